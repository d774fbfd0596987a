using System.Diagnostics;

namespace Edge.Tests;

/// <summary>
/// A fact that needs programs from the machine (tshark, ip, dig...). On a developer machine
/// without them the test is skipped with the install command; with <c>CI=true</c> it runs
/// anyway and fails on the missing program, so CI never skips interop silently.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresToolFactAttribute : FactAttribute
{
    public RequiresToolFactAttribute(params string[] tools)
    {
        string? missing = Tools.FirstMissing(tools);
        if (missing != null && !Tools.InCi)
        {
            Skip = $"'{missing}' is not installed ({Tools.InstallHint(missing)}); CI=true makes this a failure";
        }
    }
}

/// <summary>Finding and running the external programs interop tests use.</summary>
public static class Tools
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string? FirstMissing(IEnumerable<string> tools) =>
        tools.FirstOrDefault(t => t == "root" ? !Environment.IsPrivilegedProcess : Find(t) == null);

    /// <summary>The full path of a program on PATH (or /usr/sbin, /sbin), or null.</summary>
    public static string? Find(string tool)
    {
        if (Path.IsPathRooted(tool))
        {
            return File.Exists(tool) ? tool : null;
        }

        string path = (Environment.GetEnvironmentVariable("PATH") ?? "") + ":/usr/sbin:/sbin:/usr/bin";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, tool))
            .FirstOrDefault(File.Exists);
    }

    public static string InstallHint(string tool) => tool switch
    {
        "tshark" => "apt-get install tshark",
        "ip" or "bridge" => "apt-get install iproute2",
        "dig" => "apt-get install dnsutils",
        "/usr/bin/python3" => "apt-get install python3",
        "root" => "run the tests as root: they create network namespaces and listen on ports below 1024",
        "ethtool" => "apt-get install ethtool",
        "ping" => "apt-get install iputils-ping",
        "curl" => "apt-get install curl",
        "kubectl" => "install kubectl: https://kubernetes.io/docs/tasks/tools/",
        "chromium" or "chromedriver" => "apt-get install chromium chromium-driver",
        _ => $"install {tool}",
    };

    /// <summary>Starts a program with its output collected; the caller waits (while driving virtual boards, say).</summary>
    public static RunningTool Start(string tool, IEnumerable<string> args)
    {
        string path = Find(tool) ?? throw new InvalidOperationException(
            $"'{tool}' is required for this test but is not installed ({InstallHint(tool)})");
        var info = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return new RunningTool(Process.Start(info)!);
    }

    /// <summary>Runs a program to completion (bounded by <paramref name="timeout"/>) and returns exit code and output; <paramref name="stdin"/>, when given, is its whole input.</summary>
    public static (int ExitCode, string StdOut, string StdErr) Run(string tool, IEnumerable<string> args, TimeSpan? timeout = null, string? stdin = null)
    {
        string path = Find(tool) ?? throw new InvalidOperationException(
            $"'{tool}' is required for this test but is not installed ({InstallHint(tool)})");
        var info = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin != null,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(info)!;
        if (stdin != null)
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }

        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', args)} did not finish in time");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}

/// <summary>A started program whose output is being collected.</summary>
public sealed class RunningTool : IDisposable
{
    private readonly System.Text.StringBuilder _stdout = new();
    private readonly Task<string> _stderr;

    public RunningTool(Process process)
    {
        Process = process;
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data != null)
            {
                lock (_stdout)
                {
                    _stdout.Append(line.Data).Append('\n');
                }
            }
        };
        process.BeginOutputReadLine();
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public Process Process { get; }

    public bool HasExited => Process.HasExited;

    public int ExitCode => Process.ExitCode;

    /// <summary>All it printed, once it has ended (lines, each ended by \n).</summary>
    public string StdOut
    {
        get
        {
            Process.WaitForExit(); // the last lines are handed over before this returns
            return StdOutSoFar;
        }
    }

    /// <summary>The lines it has printed up to now, while it runs.</summary>
    public string StdOutSoFar
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    /// <summary>All it printed on stderr: waits for it to end (do not ask while it runs).</summary>
    public string StdErr => _stderr.Result;

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit(5000);
        }

        Process.Dispose();
    }
}
