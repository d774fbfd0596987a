using System.Diagnostics;

namespace Edge.Cli.Commands.Lab;

/// <summary>
/// Runs `ip`, `bridge` and `ethtool` commands (one line each, words split on spaces) and reads
/// this host's network from them: the hands of <see cref="BridgePlan"/> and the overlay plans.
/// </summary>
public static class HostCommands
{
    /// <summary>Runs each command in turn; the first failure throws with its output, unless failures are expected (removing what may be gone).</summary>
    public static void Run(IEnumerable<string> commands, bool tolerateFailure)
    {
        foreach (string command in commands)
        {
            (int code, string output) = Exec(command);
            if (code != 0 && !tolerateFailure)
            {
                string hint = !output.Contains("Operation not permitted", StringComparison.Ordinal) ? ""
                    : Environment.IsPrivilegedProcess ? " (root without the right to change the network: a container without CAP_NET_ADMIN?)"
                    : " (this needs root: sudo)";
                throw new CliException($"`{command}` failed: {output.Trim()}{hint}");
            }
        }
    }

    public static (int Code, string Output) Exec(string command)
    {
        string[] words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var start = new ProcessStartInfo(Find(words[0]) ?? words[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string word in words.Skip(1))
        {
            start.ArgumentList.Add(word);
        }

        try
        {
            // Synchronous, as its callers are (under the network lock): stderr is taken line by line as it comes, so that
            // neither pipe can fill while the other is read; WaitForExit returns after its last line was handed over.
            using Process process = Process.Start(start)!;
            var error = new System.Text.StringBuilder();
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data != null)
                {
                    error.Append(e.Data).Append('\n');
                }
            };
            process.BeginErrorReadLine();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output + error);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new CliException($"`{words[0]}` is not installed (Debian/Ubuntu: apt-get install iproute2 ethtool)");
        }
    }

    /// <summary>A program's full path: on PATH, or in the sbin directories a non-login root shell may lack on its PATH.</summary>
    public static string? Find(string tool)
    {
        if (Path.IsPathRooted(tool))
        {
            return File.Exists(tool) ? tool : null;
        }

        string path = (Environment.GetEnvironmentVariable("PATH") ?? "") + ":/usr/sbin:/sbin:/usr/bin:/bin";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries).Select(dir => Path.Combine(dir, tool)).FirstOrDefault(File.Exists);
    }

    public static bool LinkExists(string name) => Exec($"ip link show dev {name}").Code == 0;

    /// <summary>The named network namespaces (`ip netns add`'s, in /run/netns).</summary>
    public static List<string> Namespaces()
    {
        (int code, string output) = Exec("ip netns list");
        return code != 0 ? [] : output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]).ToList();
    }

    /// <summary>The names of this host's links (without the "@peer" of a veth).</summary>
    public static List<string> Links()
    {
        (int code, string output) = Exec("ip -o link show");
        return code != 0 ? [] : output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(':', 3)).Where(f => f.Length == 3).Select(f => f[1].Trim().Split('@')[0]).ToList();
    }

    /// <summary>
    /// The IPv4 prefixes this host uses: its routes (main table) and its interfaces' addresses,
    /// except those on <paramref name="ignoredDevice"/> (a lab's own bridge does not keep it off its own subnet).
    /// </summary>
    public static List<(uint Network, int Prefix)> PrefixesInUse(string? ignoredDevice)
    {
        var prefixes = new List<(uint, int)>();
        foreach (string line in Exec("ip -4 -o route show").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            int dev = Array.IndexOf(words, "dev");
            if ((dev < 0 || dev + 1 >= words.Length || words[dev + 1] != ignoredDevice) && LabLayout.TryParsePrefix(words[0], out uint network, out int prefix))
            {
                prefixes.Add((network, prefix));
            }
        }

        // "2: eth0    inet 192.0.2.2/24 brd ...": the device is the second word, the address the fourth
        foreach (string line in Exec("ip -4 -o addr show").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length > 3 && words[1] != ignoredDevice && LabLayout.TryParsePrefix(words[3], out uint network, out int prefix))
            {
                prefixes.Add((network, prefix));
            }
        }

        return prefixes;
    }

    /// <summary>
    /// Held while a lab picks its subnet and makes its bridge, or a join its link, so two
    /// `lab up`s at once (tests, two users) never take the same /24. Machine-wide: labs under
    /// other EDGE_HOMEs count too. Waits up to 30 s for another holder.
    /// </summary>
    public static IDisposable Lock()
    {
        string dir = Directory.Exists("/run") && Environment.IsPrivilegedProcess ? "/run" : Path.GetTempPath();
        string path = Path.Combine(dir, "edgectl-lab-network.lock");
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                // .NET takes an exclusive flock for FileShare.None: released when this process closes the file or ends
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                Thread.Sleep(50);
            }
            catch (IOException e)
            {
                throw new CliException($"another edgectl has held {path} for 30 s (a `lab up` or `overlay join` stuck?): {e.Message}");
            }
        }
    }
}
