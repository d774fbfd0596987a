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

    public static string? FirstMissing(IEnumerable<string> tools) => tools.FirstOrDefault(t => Find(t) == null);

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
        "/usr/bin/python3" => "apt-get install python3-scapy",
        _ => $"install {tool}",
    };

    /// <summary>Runs a program to completion (bounded by <paramref name="timeout"/>) and returns exit code and output.</summary>
    public static (int ExitCode, string StdOut, string StdErr) Run(string tool, IEnumerable<string> args, TimeSpan? timeout = null)
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

        using Process process = Process.Start(info)!;
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
