using System.CommandLine;
using Edge.Cli.Api;

namespace Edge.Cli.Commands.Resources;

/// <summary><c>edgectl logs POD</c>: what the pod's workload wrote (the HTTP images log each request), as the board keeps it.</summary>
public static class LogsCommand
{
    public static Command Create(CliConsole console)
    {
        var pod = new Argument<string>("pod");
        ClusterCompletions.Names(pod, "Pod");
        var tail = new Option<int>("--tail") { Description = "Only the last N lines (-1: all the board keeps)", DefaultValueFactory = _ => -1 };
        var command = new Command("logs", "Print the logs for a pod") { pod, tail };
        command.SetAction(parsed =>
        {
            using ApiClient api = ApiClient.For(parsed);
            string text = api.GetTextAsync(Host.Api.ResourcePath.For(Host.Objects.KindInfo.ForKind("Pod")!, ResourceArgs.Namespace(parsed), parsed.GetValue(pod), "log"))
                .GetAwaiter().GetResult();
            int n = parsed.GetValue(tail);
            if (n >= 0)
            {
                text = string.Join("", text.Split('\n').SkipLast(1).TakeLast(n).Select(l => l + "\n"));
            }

            console.Out.Write(text);
            return ExitCodes.Ok;
        });
        return command;
    }
}
