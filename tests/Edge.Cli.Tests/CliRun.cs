using Edge.Cli;

namespace Edge.Cli.Tests;

/// <summary>Runs edgectl in process with captured stdout and stderr.</summary>
public sealed record CliRun(int ExitCode, string Out, string Err)
{
    public static Task<CliRun> OfAsync(params string[] args) => OfAsync(colour: false, args);

    public static async Task<CliRun> OfAsync(bool colour, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await EdgeCli.RunAsync(args, new CliConsole(output, error, colour));
        return new CliRun(exit, output.ToString(), error.ToString());
    }
}
