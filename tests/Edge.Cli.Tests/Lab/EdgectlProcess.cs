using System.Diagnostics;

namespace Edge.Cli.Tests.Lab;

/// <summary>Runs the built edgectl as its own process (as a user's shell does), in a private EDGE_HOME.</summary>
public sealed class EdgectlProcess(string edgeHome, string lab, string? server = null)
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "edgectl.dll");

    public string Home { get; } = edgeHome;

    /// <summary>The kubeconfig kubectl would use in this test's environment ($KUBECONFIG, inside the private home).</summary>
    public string KubeconfigPath => Path.Combine(Home, "kube", "config");

    /// <summary>More environment for the child (a fake nanoff, a bare PATH).</summary>
    public Dictionary<string, string> Environment { get; } = [];

    public CliRun Run(params string[] args) => RunWithInput(null, args);

    /// <summary>Starts edgectl without waiting (logs -f, get -w): its output is read as it comes; disposing stops it.</summary>
    public RunningTool Start(params string[] args)
    {
        ProcessStartInfo start = StartInfo(args);
        start.RedirectStandardInput = false;
        return new RunningTool(Process.Start(start)!);
    }

    public CliRun RunWithInput(string? stdin, params string[] args)
    {
        using Process process = Process.Start(StartInfo(args))!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (stdin != null)
        {
            process.StandardInput.Write(stdin);
        }

        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"edgectl {string.Join(' ', args)} did not finish in 120 s");
        }

        return new CliRun(process.ExitCode, output.Result, error.Result);
    }

    private ProcessStartInfo StartInfo(string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        start.ArgumentList.Add(Dll);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["EDGE_HOME"] = Home;
        start.Environment["KUBECONFIG"] = KubeconfigPath; // lab up merges its context there: never into the user's own
        start.Environment["EDGE_LAB"] = lab;
        start.Environment.Remove("EDGE_SERVER");
        if (server != null)
        {
            start.Environment["EDGE_SERVER"] = server;
        }

        foreach ((string key, string value) in Environment)
        {
            start.Environment[key] = value;
        }

        return start;
    }
}
