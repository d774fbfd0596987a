using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Edge.Cli.Commands.Lab;

/// <summary>Starting and finding a lab's background processes: edgectl itself, run as `controlplane` or `vboard`.</summary>
public static class LabProcesses
{
    /// <summary>
    /// Starts edgectl with these arguments, detached: its output goes to its --log file, not to
    /// this terminal. With <paramref name="netns"/> it runs in that network namespace, through
    /// `ip netns exec`, which execs it in place: the pid returned is edgectl's own.
    /// </summary>
    public static int StartDetached(IEnumerable<string> args, string? netns = null)
    {
        string self = Environment.ProcessPath ?? throw new CliException("cannot tell where edgectl is installed to start the lab's processes");
        var start = new ProcessStartInfo
        {
            FileName = self,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (netns != null)
        {
            start.FileName = HostCommands.Find("ip") ?? throw new CliException("`ip` is not installed (Debian/Ubuntu: apt-get install iproute2)");
            start.ArgumentList.Add("netns");
            start.ArgumentList.Add("exec");
            start.ArgumentList.Add(netns);
            start.ArgumentList.Add(self);
        }

        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            // run as `dotnet edgectl.dll`: the child needs the same dll
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }

        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start) ?? throw new CliException($"could not start {self}");
        process.StandardInput.Close();
        process.StandardOutput.Close();
        process.StandardError.Close();
        if (netns != null)
        {
            WaitForExec(process);
        }

        return process.Id;
    }

    // Until `ip netns exec` has exec'd edgectl, the pid is still `ip`'s, which IsAlive does not take for the lab's process.
    private static void WaitForExec(Process process)
    {
        var clock = Stopwatch.StartNew();
        while (!process.HasExited && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            try
            {
                if (File.ReadAllText($"/proc/{process.Id}/comm").Trim() != "ip")
                {
                    return;
                }
            }
            catch (IOException)
            {
                return; // gone: the caller finds out
            }

            Thread.Sleep(5);
        }
    }

    /// <summary>Whether the pid is a live edgectl (a reused pid of another program does not count).</summary>
    public static bool IsAlive(int pid)
    {
        if (pid <= 0)
        {
            return false;
        }

        try
        {
            using Process process = Process.GetProcessById(pid);
            if (process.HasExited)
            {
                return false;
            }

            string name = process.ProcessName;
            return name.Contains("edgectl", StringComparison.OrdinalIgnoreCase) || name.Contains("dotnet", StringComparison.OrdinalIgnoreCase);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Stops a process: SIGTERM, then SIGKILL if it has not gone in the grace period.</summary>
    public static bool Stop(int pid, TimeSpan grace)
    {
        if (!IsAlive(pid))
        {
            return false;
        }

        try
        {
            using Process process = Process.GetProcessById(pid);
            if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
            {
                _ = Kill(pid, 15);
                if (process.WaitForExit(grace))
                {
                    return true;
                }
            }

            process.Kill();
            process.WaitForExit(grace);
            return true;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>A free TCP port on loopback for the API.</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>Whether a loopback port can be listened on (a restarted control plane keeps its old port when it is).</summary>
    public static bool PortIsFree(int port)
    {
        try
        {
            using var probe = new TcpListener(IPAddress.Loopback, port);
            probe.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
