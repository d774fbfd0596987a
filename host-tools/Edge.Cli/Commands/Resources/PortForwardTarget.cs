using System.Globalization;
using System.Text.Json.Nodes;
using Edge.Cli.Api;
using Edge.Host.Objects;

namespace Edge.Cli.Commands.Resources;

/// <summary>One forwarded port: where edgectl listens, and the pod's port it reaches.</summary>
public readonly record struct PortPair(int Local, int Remote);

/// <summary>
/// What <c>port-forward TYPE/NAME [LOCAL:]REMOTE…</c> reaches, resolved as kubectl resolves it:
/// a pod by name (<c>NAME</c> or <c>pod/NAME</c>); for <c>svc/NAME</c> or <c>deploy/NAME</c> the
/// first Running pod their selector picks, and a service's port becomes the pod's (its
/// targetPort, by number or by the container port's name). <c>:REMOTE</c> or <c>0:REMOTE</c>
/// leaves the local port to the system.
/// </summary>
public static class PortForwardTarget
{
    /// <summary>"8080:80", "80", ":80": the local and remote port (local 0: any free one).</summary>
    public static PortPair ParsePorts(string spec)
    {
        string[] parts = spec.Split(':');
        if (parts.Length > 2 || !TryPort(parts[^1], out int remote) || remote == 0)
        {
            throw new CliException($"invalid port {spec}: give REMOTE, LOCAL:REMOTE or :REMOTE, each 1-65535");
        }

        if (parts.Length == 1)
        {
            return new PortPair(remote, remote);
        }

        if (parts[0].Length == 0)
        {
            return new PortPair(0, remote);
        }

        return TryPort(parts[0], out int local) ? new PortPair(local, remote) : throw new CliException($"invalid port {spec}: the local port {parts[0]} is not 0-65535");
    }

    /// <summary>The pod to forward to, and the pod's ports for the ports given (service ports translated).</summary>
    public static async Task<(string Pod, List<PortPair> Ports)> ResolveAsync(ApiClient api, string ns, string target, IReadOnlyList<PortPair> ports, CancellationToken cancel)
    {
        int slash = target.IndexOf('/');
        string type = slash < 0 ? "pod" : target[..slash].ToLowerInvariant();
        string name = slash < 0 ? target : target[(slash + 1)..];
        switch (type)
        {
            case "pod" or "pods" or "po":
                await Existing(api, "Pod", ns, name, cancel);
                return (name, ports.ToList());
            case "service" or "services" or "svc":
            {
                KubeObject service = await Existing(api, "Service", ns, name, cancel);
                KubeObject pod = await FirstRunningPod(api, ns, SelectorText(service.Spec?["selector"] as JsonObject), $"service/{name}", cancel);
                return (pod.Name, ports.Select(p => p with { Remote = ServicePortToPod(service, pod, p.Remote) }).ToList());
            }

            case "deployment" or "deployments" or "deploy":
            {
                KubeObject deployment = await Existing(api, "Deployment", ns, name, cancel);
                KubeObject pod = await FirstRunningPod(api, ns, SelectorText(deployment.Spec?["selector"]?["matchLabels"] as JsonObject), $"deployment/{name}", cancel);
                return (pod.Name, ports.ToList());
            }

            default:
                throw new CliException($"cannot forward to a {type}: name a pod (NAME or pod/NAME), svc/NAME or deploy/NAME");
        }
    }

    /// <summary>kubectl's translation: the service port numbered <paramref name="port"/>, to its targetPort (a number, or a container port's name in the pod).</summary>
    public static int ServicePortToPod(KubeObject service, KubeObject pod, int port)
    {
        JsonObject? servicePort = (service.Spec?["ports"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(p => (int?)p["port"] == port);
        if (servicePort == null)
        {
            throw new CliException($"Service {service.Name} does not have a service port {port}");
        }

        JsonNode? target = servicePort["targetPort"];
        if (target == null)
        {
            return port;
        }

        if (target.GetValueKind() == System.Text.Json.JsonValueKind.Number)
        {
            return (int)target;
        }

        string portName = (string?)target ?? "";
        if (int.TryParse(portName, NumberStyles.None, CultureInfo.InvariantCulture, out int numbered))
        {
            return numbered;
        }

        int? containerPort = (pod.Spec?["containers"] as JsonArray)?.OfType<JsonObject>()
            .SelectMany(c => (c["ports"] as JsonArray)?.OfType<JsonObject>() ?? [])
            .Where(p => (string?)p["name"] == portName)
            .Select(p => (int?)p["containerPort"])
            .FirstOrDefault();
        return containerPort ?? throw new CliException($"pod {pod.Name} has no container port named {portName} (the targetPort of service {service.Name}'s port {port})");
    }

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535;

    private static async Task<KubeObject> Existing(ApiClient api, string kind, string ns, string name, CancellationToken cancel) =>
        await api.TryGetAsync(KindInfo.ForKind(kind)!, ns, name, cancel)
            ?? throw new CliException($"{KindInfo.ForKind(kind)!.Plural} \"{name}\" not found in namespace {ns}");

    private static string SelectorText(JsonObject? labels) =>
        labels is { Count: > 0 } ? string.Join(",", labels.Select(l => $"{l.Key}={(string?)l.Value}")) : throw new CliException("it has no selector: no pod to forward to");

    private static async Task<KubeObject> FirstRunningPod(ApiClient api, string ns, string selector, string what, CancellationToken cancel) =>
        (await api.ListAsync(KindInfo.ForKind("Pod")!, ns, selector, cancel))
            .Where(p => (string?)p.Json["status"]?["phase"] == "Running")
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .FirstOrDefault()
            ?? throw new CliException($"no Running pod for {what} (selector {selector}): `edgectl get pods -l {selector}` shows them");
}
