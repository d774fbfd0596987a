using System.CommandLine;
using Edge.Cli.Api;
using Edge.Host.Api;
using Edge.Host.Objects;

namespace Edge.Cli.Commands.Resources;

/// <summary>
/// <c>edgectl logs POD [-f] [--tail N]</c>, or <c>-l SELECTOR</c> for every matching pod: what
/// the pod's workload wrote (the HTTP images log each request), as its board keeps it; with
/// <c>-f</c> the lines it writes next follow until Ctrl+C, as kubectl logs -f does.
/// </summary>
public static class LogsCommand
{
    public static Command Create(CliConsole console)
    {
        var pod = new Argument<string?>("pod") { Arity = ArgumentArity.ZeroOrOne };
        ClusterCompletions.Names(pod, "Pod");
        var tail = new Option<int>("--tail") { Description = "Only the last N lines (-1: all the board keeps)", DefaultValueFactory = _ => -1 };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing the lines the pod writes, until Ctrl+C" };
        var selector = new Option<string?>("--selector", "-l") { Description = "The logs of every pod that matches, e.g. app=web" };
        var command = new Command("logs", "Print the logs for a pod") { pod, tail, follow, selector };
        command.SetAction(async (parsed, cancel) =>
        {
            using ApiClient api = ApiClient.For(parsed);
            string ns = ResourceArgs.Namespace(parsed);
            KindInfo pods = KindInfo.ForKind("Pod")!;
            string? name = parsed.GetValue(pod);
            string? labels = parsed.GetValue(selector);
            if ((name == null) == (labels == null))
            {
                throw new CliException("name one pod, or select pods with -l (e.g. `edgectl logs -l app=web`)");
            }

            int lines = parsed.GetValue(tail);
            string query = lines >= 0 ? $"?tailLines={lines}" : "";
            if (parsed.GetValue(follow))
            {
                if (name == null)
                {
                    throw new CliException("-f follows one pod: name it (`edgectl get pods -l " + labels + "` lists them)");
                }

                await api.FollowTextAsync(ResourcePath.For(pods, ns, name, "log") + (query.Length > 0 ? query + "&" : "?") + "follow=true", text =>
                {
                    console.Out.Write(text);
                    console.Out.Flush();
                }, cancel);
                return ExitCodes.Ok;
            }

            IEnumerable<string> names = name != null ? [name] : (await api.ListAsync(pods, ns, labels, cancel)).Select(p => p.Name);
            foreach (string each in names)
            {
                console.Out.Write(await api.GetTextAsync(ResourcePath.For(pods, ns, each, "log") + query, cancel));
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
