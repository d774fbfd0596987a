namespace Edge.Host.Serial;

/// <summary>A USB serial port that may have a board on it: its device path and, where the OS gives one, a stable name.</summary>
public sealed record SerialPortInfo(string Path, string? Description);

/// <summary>
/// The USB serial ports of this machine, as an instructor plugs boards in: on Linux the
/// /dev/serial/by-id names (which say the adapter: CP2102, CH340, FTDI, the ESP32's own USB)
/// and any ttyUSB/ttyACM without one; on macOS the cu.* devices of the usual adapters.
/// </summary>
public static class SerialPorts
{
    private static readonly string[] MacPatterns = ["cu.usbserial*", "cu.usbmodem*", "cu.SLAB_USBtoUART*", "cu.wchusbserial*"];

    public static List<SerialPortInfo> List(string devRoot = "/dev")
    {
        var ports = new List<SerialPortInfo>();
        if (!Directory.Exists(devRoot))
        {
            return ports;
        }

        string byId = Path.Combine(devRoot, "serial", "by-id");
        var described = new HashSet<string>();
        if (Directory.Exists(byId))
        {
            foreach (string link in Directory.GetFiles(byId).Order(StringComparer.Ordinal))
            {
                string target = ResolveLink(link);
                if (described.Add(target))
                {
                    ports.Add(new SerialPortInfo(target, System.IO.Path.GetFileName(link)));
                }
            }
        }

        foreach (string pattern in new[] { "ttyUSB*", "ttyACM*" }.Concat(MacPatterns))
        {
            foreach (string device in Directory.GetFiles(devRoot, pattern).Order(StringComparer.Ordinal))
            {
                if (!described.Contains(device))
                {
                    ports.Add(new SerialPortInfo(device, null));
                }
            }
        }

        return ports;
    }

    private static string ResolveLink(string path)
    {
        FileSystemInfo? target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true);
        return target?.FullName ?? path;
    }
}
