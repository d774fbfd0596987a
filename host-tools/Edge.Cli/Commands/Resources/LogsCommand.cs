using System.CommandLine;
using Edge.Cli.Api;
using Edge.Host.Api;
using Edge.Host.Objects;

namespace Edge.Cli.Commands.Resources;

/// <summary>
/// <c>edgectl logs POD [-c CONTAINER] [-f] [--tail N]</c>, or <c>-l SELECTOR</c> for every
/// matching pod: what the container wrote (the HTTP images log each request), as its board
/// keeps it; with <c>-f</c> the lines it writes next follow until Ctrl+C, as kubectl logs -f
/// does. A pod of several containers without <c>-c</c> gives its first, saying so, as kubectl does.
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
        var container = new Option<string?>("--container", "-c") { Description = "The container's logs (the pod's first when not given)" };
        var command = new Command("logs", "Print the logs for a container in a pod") { pod, tail, follow, selector, container };
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
            string? wanted = parsed.GetValue(container);
            async Task<string> Query(string podName)
            {
                var terms = new List<string>();
                if (lines >= 0)
                {
                    terms.Add($"tailLines={lines}");
                }

                if ((wanted ?? await DefaultContainer(api, console, pods, ns, podName, cancel)) is string chosen)
                {
                    terms.Add("container=" + Uri.EscapeDataString(chosen));
                }

                return terms.Count > 0 ? "?" + string.Join("&", terms) : "";
            }

            if (parsed.GetValue(follow))
            {
                if (name == null)
                {
                    throw new CliException("-f follows one pod: name it (`edgectl get pods -l " + labels + "` lists them)");
                }

                string query = await Query(name);
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
                console.Out.Write(await api.GetTextAsync(ResourcePath.For(pods, ns, each, "log") + await Query(each), cancel));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    // kubectl's choice for a pod of several containers named without -c: the one its
    // kubectl.kubernetes.io/default-container annotation names, else the first, said on stderr.
    private static async Task<string?> DefaultContainer(ApiClient api, CliConsole console, KindInfo pods, string ns, string name, CancellationToken cancel)
    {
        KubeObject? pod = await api.TryGetAsync(pods, ns, name, cancel);
        string[] names = (pod?.Spec?["containers"] as System.Text.Json.Nodes.JsonArray ?? []).Select(c => (string?)c?["name"] ?? "").ToArray();
        if (names.Length < 2)
        {
            return null;
        }

        string chosen = (string?)pod!.Metadata["annotations"]?["kubectl.kubernetes.io/default-container"] is { } annotated && names.Contains(annotated) ? annotated : names[0];
        console.Err.WriteLine($"Defaulted container \"{chosen}\" out of: {string.Join(", ", names)}");
        return chosen;
    }
}
