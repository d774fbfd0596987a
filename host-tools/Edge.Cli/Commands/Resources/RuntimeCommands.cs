using System.CommandLine;
using Edge.Cli.Api;
using Edge.Host.Objects;
using Edge.Host.Printing;

namespace Edge.Cli.Commands.Resources;

/// <summary>
/// <c>sandboxes NODE</c> and <c>containers NODE</c>: what a board's runtime runs, in crictl's
/// layout (<c>crictl pods</c>, <c>crictl ps -a</c>): a sandbox per pod (its network: one IP and MAC,
/// the pause container's job on Docker) and the containers in it, with their attempts. The seeds'
/// lesson with <c>docker ps</c>, on a board.
/// </summary>
public static class RuntimeCommands
{
    private static readonly KindInfo PodKind = KindInfo.ForKind("Pod")!;
    private static readonly KindInfo NodeKind = KindInfo.ForKind("Node")!;

    public static IEnumerable<Command> Create(CliConsole console)
    {
        yield return View(console, "sandboxes", "List a node's pod sandboxes, as crictl pods does", CrictlViews.Sandboxes);
        yield return View(console, "containers", "List a node's containers, as crictl ps -a does", CrictlViews.Containers);
    }

    private static Command View(CliConsole console, string name, string description, Func<IEnumerable<KubeObject>, DateTime, string> render)
    {
        var node = new Argument<string>("node");
        ClusterCompletions.Names(node, "Node");
        var command = new Command(name, description) { node };
        command.SetAction(async (parsed, cancel) =>
        {
            using ApiClient api = ApiClient.For(parsed);
            string nodeName = parsed.GetValue(node)!;
            if (await api.TryGetAsync(NodeKind, "", nodeName, cancel) == null)
            {
                throw new CliException($"nodes \"{nodeName}\" not found; `edgectl get nodes` lists them");
            }

            List<KubeObject> pods = (await api.ListAsync(PodKind, null, null, cancel)).Where(p => (string?)p.Spec?["nodeName"] == nodeName).ToList();
            console.Out.Write(render(pods, DateTime.UtcNow));
            return ExitCodes.Ok;
        });
        return command;
    }
}
