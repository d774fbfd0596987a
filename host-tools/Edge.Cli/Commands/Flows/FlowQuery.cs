using Edge.Cli.Api;
using Edge.Host.Flows;
using Edge.Host.Objects;

namespace Edge.Cli.Commands.Flows;

/// <summary>
/// Which boards to ask and which of their flows to show: a node's, a pod's (to, from or
/// translated to its address, from its own board and every other that could pick it), a
/// Service's (its ClusterIP or its name in a pick), one verdict.
/// </summary>
public sealed class FlowQuery
{
    private FlowQuery(IReadOnlyList<string> nodes)
    {
        Nodes = nodes;
    }

    public IReadOnlyList<string> Nodes { get; }

    private string? Address { get; init; }

    private string? ServiceAddress { get; init; }

    private string? ServicePrefix { get; init; }

    private string? Verdict { get; init; }

    public static async Task<FlowQuery> Resolve(ApiClient api, string ns, string? target, string? service, string? verdict, CancellationToken cancel)
    {
        List<KubeObject> nodes = await api.ListAsync(KindInfo.ForKind("Node")!, null, null, cancel);
        IReadOnlyList<string> all = nodes.Select(n => n.Name).Order(StringComparer.Ordinal).ToArray();
        if (all.Count == 0)
        {
            throw new CliException("no nodes: start a lab (`edgectl lab up`) or join boards first");
        }

        var query = new FlowQuery(all);
        if (target != null && !all.Contains(target))
        {
            // A pod: flows it made are on its own board, flows to it on the board of whoever called it.
            KubeObject pod = await api.TryGetAsync(KindInfo.ForKind("Pod")!, ns, target, cancel)
                ?? throw new CliException($"\"{target}\" is no node and no pod in namespace {ns} (`edgectl get nodes`, `edgectl get pods -n {ns}`)");
            string address = (string?)pod.Json["status"]?["podIP"] ?? throw new CliException($"pod {ns}/{target} has no IP yet: it has made no flows");
            query = new FlowQuery(all) { Address = address };
        }
        else if (target != null)
        {
            query = new FlowQuery([target]);
        }

        if (service != null)
        {
            string serviceNs = service.Contains('/') ? service[..service.IndexOf('/')] : ns;
            string name = service[(service.IndexOf('/') + 1)..];
            KubeObject svc = await api.TryGetAsync(KindInfo.ForKind("Service")!, serviceNs, name, cancel)
                ?? throw new CliException($"no Service {serviceNs}/{name} (`edgectl get services -n {serviceNs}`)");
            query = new FlowQuery(query.Nodes)
            {
                Address = query.Address,
                ServiceAddress = (string?)svc.Spec?["clusterIP"] is { Length: > 0 } ip && ip != "None" ? ip : null,
                ServicePrefix = $"{serviceNs}/{name}:",
            };
        }

        return verdict == null ? query : new FlowQuery(query.Nodes)
        {
            Address = query.Address,
            ServiceAddress = query.ServiceAddress,
            ServicePrefix = query.ServicePrefix,
            Verdict = verdict.ToUpperInvariant(),
        };
    }

    public bool Matches(FlowEvent e) =>
        (Address == null || Touches(e, Address))
        && (ServicePrefix == null || e.Service?.StartsWith(ServicePrefix, StringComparison.Ordinal) == true || (ServiceAddress != null && Touches(e, ServiceAddress)))
        && (Verdict == null || e.Verdict == Verdict);

    private static bool Touches(FlowEvent e, string address) =>
        e.Source?.Address == address || e.Destination?.Address == address || e.TranslatedTo?.Address == address;
}
