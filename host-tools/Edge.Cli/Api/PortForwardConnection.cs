using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Edge.Host.Api.Spdy;

namespace Edge.Cli.Api;

/// <summary>
/// edgectl's end of <c>portforward.k8s.io</c>, as kubectl speaks it: one SPDY connection to the
/// pod's portforward endpoint, and for every local connection an error stream and a data stream
/// with a new <c>requestid</c> and the pod's port. The data stream carries the bytes both ways
/// (this side's FIN when the local client stops sending); the error stream says why a forward
/// failed.
/// </summary>
public sealed class PortForwardConnection(SpdyConnection spdy) : IAsyncDisposable
{
    private int _nextRequest;

    /// <summary>Cancelled when the control plane hangs up.</summary>
    public CancellationToken Lost => spdy.PeerGone;

    /// <summary>Relays <paramref name="local"/> to the pod's <paramref name="port"/> until either side is done; the server's reason when the forward failed, else null.</summary>
    public async Task<string?> ForwardAsync(Socket local, int port, CancellationToken cancel)
    {
        string request = Interlocked.Increment(ref _nextRequest).ToString(CultureInfo.InvariantCulture);
        string portText = port.ToString(CultureInfo.InvariantCulture);
        SpdyStream error = await spdy.OpenStreamAsync(Headers("error", portText, request), cancel);
        await error.CloseAsync(); // nothing is sent on it: it only brings the reason back
        SpdyStream data = await spdy.OpenStreamAsync(Headers("data", portText, request), cancel);
        Task<byte[]> reason = error.ReadToEndAsync(64 * 1024, cancel);
        Task toPod = CopyToPodAsync(local, data, cancel);
        await CopyFromPodAsync(data, local, cancel);
        string said = Encoding.UTF8.GetString(await reason);
        await Task.WhenAny(toPod, Task.Delay(TimeSpan.FromSeconds(1), cancel)); // the pod is done: what the client still sends has nowhere to go
        return said.Length > 0 ? said : null;
    }

    public ValueTask DisposeAsync() => spdy.DisposeAsync();

    private static Dictionary<string, string> Headers(string type, string port, string request) =>
        new() { ["streamtype"] = type, ["port"] = port, ["requestid"] = request };

    private static async Task CopyToPodAsync(Socket local, SpdyStream data, CancellationToken cancel)
    {
        byte[] buffer = new byte[16 * 1024];
        try
        {
            int n;
            while ((n = await local.ReceiveAsync(buffer, cancel)) > 0)
            {
                await data.WriteAsync(buffer.AsMemory(0, n));
            }

            await data.CloseAsync();
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // the local client or the connection went
        }
    }

    private static async Task CopyFromPodAsync(SpdyStream data, Socket local, CancellationToken cancel)
    {
        try
        {
            await foreach (byte[] piece in data.Input.ReadAllAsync(cancel))
            {
                await local.SendAsync(piece, cancel);
            }

            local.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // the local client went
        }
    }
}
