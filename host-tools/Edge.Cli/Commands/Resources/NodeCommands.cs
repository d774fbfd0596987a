using System.CommandLine;
using System.Text.Json.Nodes;
using Edge.Cli.Api;
using Edge.Host.Objects;

namespace Edge.Cli.Commands.Resources;

/// <summary>
/// <c>cordon</c>, <c>uncordon</c> and <c>drain NODE</c>: mark a board unschedulable, and move its
/// pods away (their deployments put them elsewhere). A bare pod would be lost, so drain
/// refuses it without --force, as kubectl does.
/// </summary>
public static class NodeCommands
{
    private static readonly KindInfo NodeKind = KindInfo.ForKind("Node")!;
    private static readonly KindInfo PodKind = KindInfo.ForKind("Pod")!;

    public static IEnumerable<Command> Create(CliConsole console)
    {
        yield return Schedulable(console, "cordon", "Mark node as unschedulable", true);
        yield return Schedulable(console, "uncordon", "Mark node as schedulable", false);

        var node = new Argument<string>("node");
        ClusterCompletions.Names(node, "Node");
        var force = new Option<bool>("--force") { Description = "Also delete pods no deployment will recreate" };
        var drain = new Command("drain", "Drain node in preparation for maintenance") { node, force };
        drain.SetAction(async (parsed, cancel) =>
        {
            using ApiClient api = ApiClient.For(parsed);
            string name = parsed.GetValue(node)!;
            await SetUnschedulableAsync(console, api, name, true, cancel);
            List<KubeObject> pods = (await api.ListAsync(PodKind, null, null, cancel))
                .Where(p => (string?)p.Spec?["nodeName"] == name).ToList();
            List<KubeObject> bare = pods.Where(p => p.ControllerUid == null).ToList();
            if (bare.Count > 0 && !parsed.GetValue(force))
            {
                throw new CliException($"cannot delete Pods that declare no controller (use --force to override): {string.Join(", ", bare.Select(p => p.Namespace + "/" + p.Name))}");
            }

            foreach (KubeObject pod in pods)
            {
                console.Out.WriteLine($"evicting pod {pod.Namespace}/{pod.Name}");
                await api.DeleteAsync(PodKind, pod.Namespace, pod.Name, cancel);
            }

            console.Out.WriteLine($"node/{name} drained");
            return ExitCodes.Ok;
        });
        yield return drain;
    }

    private static Command Schedulable(CliConsole console, string verb, string description, bool unschedulable)
    {
        var node = new Argument<string>("node");
        ClusterCompletions.Names(node, "Node");
        var command = new Command(verb, description) { node };
        command.SetAction(async (parsed, cancel) =>
        {
            using ApiClient api = ApiClient.For(parsed);
            await SetUnschedulableAsync(console, api, parsed.GetValue(node)!, unschedulable, cancel);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task SetUnschedulableAsync(CliConsole console, ApiClient api, string name, bool unschedulable, CancellationToken cancel)
    {
        KubeObject node = await api.TryGetAsync(NodeKind, "", name, cancel)
            ?? throw new CliException($"nodes \"{name}\" not found");
        bool was = node.Spec?["unschedulable"]?.GetValue<bool>() == true;
        string word = unschedulable ? "cordoned" : "uncordoned";
        if (was == unschedulable)
        {
            console.Out.WriteLine($"node/{name} already {word}");
            return;
        }

        JsonObject spec = node.Spec ?? (JsonObject)(node.Json["spec"] = new JsonObject());
        if (unschedulable)
        {
            spec["unschedulable"] = true;
        }
        else
        {
            spec.Remove("unschedulable");
        }

        await api.UpdateAsync(node, cancel);
        console.Out.WriteLine($"node/{name} {word}");
    }
}
