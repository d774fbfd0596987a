using System.CommandLine;
using System.CommandLine.Parsing;
using Edge.Cli.Commands.Board;
using Edge.Cli.Commands.Boards;
using Edge.Cli.Commands.Daemons;
using Edge.Cli.Commands.Decode;
using Edge.Cli.Commands.Lab;
using Edge.Cli.Commands.Overlay;
using Edge.Cli.Commands.Policy;
using Edge.Cli.Commands.Resources;
using Edge.Cli.Commands.Ui;

namespace Edge.Cli;

/// <summary>
/// The edgectl command tree. Each verb lives in Commands/&lt;Verb&gt;/: a definition (its
/// options and arguments) and a command (reads the parsed values, does the work, returns an
/// exit code). Like kubectl, user errors print "error: ..." on stderr and exit 1; a bug is
/// reported the same way rather than as a stack trace.
/// </summary>
public static class EdgeCli
{
    public static RootCommand Build(CliConsole console)
    {
        var root = new RootCommand("edgectl controls an Edge cluster: boards (or virtual boards) running pods, services and DNS.");
        GlobalOptions.AddTo(root);
        root.Add(LabCommand.Create(console));
        root.Add(LabCommand.CreateUp(console));
        root.Add(LabCommand.CreateKubeconfig(console));
        root.Add(BoardsCommand.Create(console));
        root.Add(BoardCommand.Create(console));
        root.Add(ApplyCommand.Create(console));
        root.Add(GetCommand.Create(console));
        root.Add(DescribeCommand.Create(console));
        root.Add(DeleteCommand.Create(console));
        root.Add(ExecCommand.Create(console));
        root.Add(PortForwardCommand.Create(console));
        root.Add(LogsCommand.Create(console));
        root.Add(MetadataCommands.Label(console));
        root.Add(MetadataCommands.Annotate(console));
        root.Add(ScaleCommand.Create(console));
        root.Add(RolloutCommand.Create(console));
        foreach (Command command in NodeCommands.Create(console).Concat(ViewCommands.Create(console)).Concat(RuntimeCommands.Create(console)))
        {
            root.Add(command);
        }

        root.Add(PolicyCommand.Create(console));
        root.Add(CaptureCommand.Create(console));
        root.Add(OverlayCommand.Create(console));
        root.Add(UiCommand.Create(console));
        root.Add(Commands.Flows.FlowsCommand.Create(console));
        root.Add(Commands.Trace.TraceCommand.Create(console));
        root.Add(VersionCommand.Create(console));
        root.Add(CompletionCommand.Create(console));
        root.Add(DecodeCommandDefinition.Create(console));
        root.Add(ControlPlaneCommand.Create(console));
        root.Add(VBoardCommand.Create(console));
        return root;
    }

    /// <summary>Parses and runs a command line; <paramref name="cancel"/> is the token every action is handed (an in-process caller's way to stop one).</summary>
    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancel = default)
    {
        try
        {
            ParseResult parsed = Build(console).Parse(args.Length == 0 ? ["--help"] : args);
            if (parsed.Errors.Count > 0)
            {
                // kubectl's form: the first problem, then where to look.
                ParseError first = parsed.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parsed.Errors[0];
                console.Error(first.Message);
                console.Err.WriteLine("See 'edgectl --help' for usage.");
                return ExitCodes.Error;
            }

            return await parsed.InvokeAsync(new InvocationConfiguration
            {
                Output = console.Out,
                Error = console.Err,
                EnableDefaultExceptionHandler = false,
                // Signals stay the commands' own, so System.CommandLine never cancels an action's token
                // on Ctrl+C: the daemons stop cleanly on SIGTERM/SIGINT (ProcessLog); exec, capture,
                // get -w and policy matrix stop on Ctrl+C through handlers of their own, linked to the
                // token; for the rest Ctrl+C ends the process.
                ProcessTerminationTimeout = null,
            }, cancel);
        }
        catch (CliException e)
        {
            console.Error(e.Message);
            return e.ExitCode;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            console.Error($"internal error: {e.GetType().Name}: {e.Message} (this is a bug in edgectl; please report it with the command you ran{(Environment.GetEnvironmentVariable("EDGECTL_DEBUG") is { Length: > 0 } ? "" : ", and EDGECTL_DEBUG=1 for the details")})");
            if (Environment.GetEnvironmentVariable("EDGECTL_DEBUG") is { Length: > 0 })
            {
                console.Err.WriteLine(e);
            }
            return ExitCodes.Error;
        }
    }
}
