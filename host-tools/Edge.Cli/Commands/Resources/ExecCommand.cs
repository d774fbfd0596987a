using System.CommandLine;
using Edge.Cli.Api;

namespace Edge.Cli.Commands.Resources;

/// <summary>
/// <c>edgectl exec POD -- TOOL ARGS</c>: runs one of the toolbox's tools in the pod's sandbox on
/// its board; output streams as it comes, and edgectl exits with the tool's exit code (Ctrl+C
/// stops the tool: 130), as kubectl exec does.
/// </summary>
public static class ExecCommand
{
    public static Command Create(CliConsole console)
    {
        var pod = new Argument<string>("pod") { Description = "The pod to run in" };
        ClusterCompletions.Names(pod, "Pod");
        var command = new Argument<string[]>("command") { Description = "After --: the tool and its arguments (ping, wget, curl, nc, nslookup, dig)", Arity = ArgumentArity.ZeroOrMore };
        var stdin = new Option<bool>("--stdin", "-i") { Description = "Pass standard input to the tool (nc)" };
        var container = new Option<string?>("--container", "-c") { Description = "The container to run in (a container the pod has; they share its sandbox)" };
        var verb = new Command("exec", "Execute a command in a pod") { pod, command, stdin, container };
        verb.SetAction(async (parsed, cancel) =>
        {
            string[] args = parsed.GetValue(command) ?? [];
            if (args.Length == 0)
            {
                throw new CliException("you must specify at least one command for the pod, e.g. `edgectl exec client -- wget -qO- http://web`");
            }

            using ApiClient api = ApiClient.For(parsed);
            // Ctrl+C stops the tool, and edgectl exits 130 after it (System.CommandLine leaves signals to the commands: EdgeCli.RunAsync).
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            ConsoleCancelEventHandler onCtrlC = (_, e) =>
            {
                e.Cancel = true;
                stop.Cancel();
            };
            Console.CancelKeyPress += onCtrlC;
            try
            {
                string? input = parsed.GetValue(stdin) ? await console.In.ReadToEndAsync(stop.Token) : null;
                return await api.ExecAsync(ResourceArgs.Namespace(parsed), parsed.GetValue(pod)!, parsed.GetValue(container), args, input, (stream, data) =>
                {
                    TextWriter target = stream == 2 ? console.Err : console.Out;
                    target.Write(data);
                    target.Flush();
                }, stop.Token);
            }
            catch (OperationCanceledException)
            {
                return 130;
            }
            finally
            {
                Console.CancelKeyPress -= onCtrlC;
            }
        });
        return verb;
    }
}
