using Edge.Cli;

namespace Edge.Cli.Tests;

/// <summary>Runs edgectl in process with captured stdout and stderr.</summary>
public sealed record CliRun(int ExitCode, string Out, string Err)
{
    public static CliRun Of(params string[] args) => Of(colour: false, args);

    public static CliRun Of(bool colour, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = EdgeCli.Run(args, new CliConsole(output, error, colour));
        return new CliRun(exit, output.ToString(), error.ToString());
    }
}
