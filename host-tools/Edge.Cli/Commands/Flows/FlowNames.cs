using Edge.Host.Flows;
using Edge.Host.Objects;

namespace Edge.Cli.Commands.Flows;

/// <summary>
/// Addresses as an attendee knows them: a pod's IP as NAMESPACE/POD, a Service's ClusterIP as
/// NAMESPACE/SERVICE, anything else as the address (read from the API each time flows are fetched).
/// </summary>
public sealed class FlowNames
{
    private readonly Dictionary<string, string> _pods = [];
    private readonly Dictionary<string, string> _services = [];

    public FlowNames(IEnumerable<KubeObject> pods, IEnumerable<KubeObject> services)
    {
        foreach (KubeObject pod in pods)
        {
            if ((string?)pod.Json["status"]?["podIP"] is { Length: > 0 } ip && (bool?)pod.Json["spec"]?["hostNetwork"] != true)
            {
                _pods[ip] = $"{pod.Namespace}/{pod.Name}";
            }
        }

        foreach (KubeObject service in services)
        {
            if ((string?)service.Spec?["clusterIP"] is { Length: > 0 } ip && ip != "None")
            {
                _services[ip] = $"{service.Namespace}/{service.Name}";
            }
        }
    }

    /// <summary>The pod or Service at the address, or null.</summary>
    public string? Of(string address) => _pods.TryGetValue(address, out string? pod) ? pod : _services.GetValueOrDefault(address);

    /// <summary>"default/client:40001", or "10.0.0.9:53" for an address Edge does not name.</summary>
    public string End(FlowEnd? end) => end == null ? "-" : (Of(end.Address) ?? end.Address) + ":" + end.Port;
}
