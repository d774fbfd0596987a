using Edge.Host.Sessions;

namespace Edge.Host.Serial;

/// <summary>What is on a serial port: an Edge board (its hello), or why not.</summary>
public sealed record ProbeResult(string Port, BoardHello? Hello, string? Problem);

/// <summary>
/// Asks a serial port whether Edge firmware is behind it: opens it, asks for a hello and waits.
/// Opening a port resets many ESP32 boards (DTR/RTS drive EN and GPIO0), so the wait covers a
/// boot; a board that answers nothing in time is "no Edge firmware answered", with what to try.
/// </summary>
public static class BoardProbe
{
    public static async Task<ProbeResult> ProbeAsync(string port, int baud, TimeSpan timeout)
    {
        SerialLine line;
        try
        {
            line = SerialLine.Open(port, baud);
        }
        catch (Exception e) when (e is IOException or ArgumentException)
        {
            return new ProbeResult(port, null, e.Message);
        }

        await using BoardClient client = BoardClient.Over(line);
        try
        {
            return new ProbeResult(port, await client.HelloAsync(timeout), null);
        }
        catch (TimeoutException)
        {
            string noise = client.GarbageBytes > 0 ? $"; {client.GarbageBytes} bytes that were not Edge frames (another firmware, or the wrong baud rate?)" : "";
            return new ProbeResult(port, null, $"no Edge firmware answered in {timeout.TotalSeconds:0} s{noise}; flash Edge onto it (hardware-docs/README.md)");
        }
        catch (BoardSessionException e)
        {
            return new ProbeResult(port, null, e.Message);
        }
    }
}
