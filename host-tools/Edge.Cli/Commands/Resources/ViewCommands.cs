using System.CommandLine;
using Edge.Cli.Api;

namespace Edge.Cli.Commands.Resources;

/// <summary>
/// <c>tables NODE [--mode iptables|ipvs|policy]</c> and <c>conntrack NODE</c>: a board's service,
/// policy and connection tables rendered as iptables-save (and ipset save), ipvsadm -Ln and
/// conntrack -L print them, to set beside a Linux node's.
/// </summary>
public static class ViewCommands
{
    public static IEnumerable<Command> Create(CliConsole console)
    {
        var node = new Argument<string>("node");
        ClusterCompletions.Names(node, "Node");
        var mode = new Option<string>("--mode")
        {
            Description = "iptables (kube-proxy's iptables-save), ipvs (ipvsadm -Ln) or policy (a policy engine's ipset save and iptables-save)",
            DefaultValueFactory = _ => "iptables",
        };
        mode.AcceptOnlyFromAmong("iptables", "ipvs", "policy");
        var tables = new Command("tables", "Show a node's service tables as kube-proxy would program Linux") { node, mode };
        tables.SetAction((parsed, cancel) => ShowAsync(console, parsed, parsed.GetValue(node)!, parsed.GetValue(mode)!, cancel));
        yield return tables;

        var conntrackNode = new Argument<string>("node");
        ClusterCompletions.Names(conntrackNode, "Node");
        var conntrack = new Command("conntrack", "Show a node's connection tracking table (conntrack -L)") { conntrackNode };
        conntrack.SetAction((parsed, cancel) => ShowAsync(console, parsed, parsed.GetValue(conntrackNode)!, "conntrack", cancel));
        yield return conntrack;
    }

    private static async Task<int> ShowAsync(CliConsole console, ParseResult parsed, string node, string view, CancellationToken cancel)
    {
        using ApiClient api = ApiClient.For(parsed);
        console.Out.Write(await api.GetTextAsync($"/api/v1/nodes/{Uri.EscapeDataString(node)}/{view}", cancel));
        return ExitCodes.Ok;
    }
}
