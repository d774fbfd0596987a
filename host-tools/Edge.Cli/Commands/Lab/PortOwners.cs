using System.Net;
using System.Net.Sockets;

namespace Edge.Cli.Commands.Lab;

/// <summary>
/// Who holds a board's ports on this machine: whether a virtual board could bind them, and which
/// process listens on one (Linux: the socket's inode in /proc/net/tcp, then the process whose
/// file descriptors point at it). `lab up` uses it to refuse an address another lab's board (or
/// anything else) holds, and to check that the board answering is the process it started.
/// </summary>
public static class PortOwners
{
    /// <summary>The ports a virtual board binds on its address that another process may hold: management (TCP) and VXLAN (UDP).</summary>
    public static string? Taken(string address, int managementPort, int vxlanPort)
    {
        if (!CanBind(address, managementPort, SocketType.Stream, ProtocolType.Tcp))
        {
            return $"{address}:{managementPort} (TCP)";
        }

        return CanBind(address, vxlanPort, SocketType.Dgram, ProtocolType.Udp) ? null : $"{address}:{vxlanPort} (UDP)";
    }

    private static bool CanBind(string address, int port, SocketType type, ProtocolType protocol)
    {
        try
        {
            using var probe = new Socket(AddressFamily.InterNetwork, type, protocol);
            probe.Bind(new IPEndPoint(IPAddress.Parse(address), port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// The pid of the process listening on address:port over TCP, or null when none is found (or
    /// this is not Linux). In another network namespace, give a process of that namespace: its
    /// /proc/PID/net/tcp lists that namespace's sockets.
    /// </summary>
    public static int? TcpListener(string address, int port, int? namespaceOf = null)
    {
        string table = namespaceOf is int pid ? $"/proc/{pid}/net/tcp" : "/proc/net/tcp";
        if (!OperatingSystem.IsLinux() || !File.Exists(table))
        {
            return null;
        }

        byte[] a = IPAddress.Parse(address).GetAddressBytes();
        string local = $"{a[3]:X2}{a[2]:X2}{a[1]:X2}{a[0]:X2}:{port:X4}";
        string? inode;
        try
        {
            inode = ListeningInode(File.ReadLines(table).Skip(1), local);
        }
        catch (IOException)
        {
            return null; // the process ended as we read
        }

        return inode == null ? null : ProcessWithSocket(inode);
    }

    private static string? ListeningInode(IEnumerable<string> lines, string local) =>
        lines
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length > 9 && f[1] == local && f[3] == "0A") // LISTEN
            .Select(f => f[9]).FirstOrDefault();

    private static int? ProcessWithSocket(string inode)
    {
        string target = $"socket:[{inode}]";
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid))
            {
                continue;
            }

            try
            {
                foreach (string fd in Directory.EnumerateFileSystemEntries(Path.Combine(dir, "fd")))
                {
                    if (new FileInfo(fd).LinkTarget == target)
                    {
                        return pid;
                    }
                }
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                // another user's process, or one that just ended
            }
        }

        return null;
    }

    /// <summary>A process in words: "pid 123: edgectl vboard --name node-1 --address 127.0.10.1 --log …".</summary>
    public static string Describe(int pid)
    {
        try
        {
            string[] args = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
            IEnumerable<string> shown = args.SkipWhile(a => !a.EndsWith("edgectl", StringComparison.Ordinal) && !a.EndsWith("edgectl.dll", StringComparison.Ordinal));
            string text = string.Join(' ', (shown.Any() ? shown : args).Select(a => a.EndsWith("edgectl.dll", StringComparison.Ordinal) || a.EndsWith("/edgectl", StringComparison.Ordinal) ? "edgectl" : a));
            return $"pid {pid}: {text}";
        }
        catch (IOException)
        {
            return $"pid {pid}";
        }
    }
}
