using System.Net;
using System.Text.Json.Nodes;
using Edge.Dataplane.Wire;
using Edge.Host.Compile;
using Edge.Host.Objects;
using Edge.Host.Store;

namespace Edge.Host.Trace;

/// <summary>Where a traced packet starts: a pod (its namespace and name) on a node, or the node itself (no pod).</summary>
public sealed record TraceSource(string Node, string? Namespace, string? Pod, string Address)
{
    public override string ToString() => Pod == null ? $"node/{Node}" : $"{Namespace}/{Pod}";
}

/// <summary>Where a traced packet goes: the address and port it is sent to, the protocol, and what the user named.</summary>
public sealed record TraceDestination(string Described, uint Address, int Protocol, int Port)
{
    public string ProtocolName => Protocol switch { IpProtocol.Tcp => "TCP", IpProtocol.Udp => "UDP", _ => "ICMP" };
}

/// <summary>
/// Names as `edgectl trace` takes them, resolved from the cluster's objects: pod/NAME, svc/NAME
/// (service/NAME), node/NAME, an IPv4 address, or a bare name (a pod, else a Service, else a
/// node: one that is more than one kind must say which). A port is a number or a Service's port
/// name, with /TCP or /UDP; no port means an ICMP echo (ping), except to a Service.
/// </summary>
public static class TraceTargets
{
    public static TraceSource Source(ObjectStore store, string name, string ns)
    {
        (string? kind, string bare) = Split(name);
        kind ??= store.Get("Pod", ns, bare) != null ? "pod" : store.Get("Node", "", bare) != null ? "node" : null;
        switch (kind)
        {
            case "pod":
                KubeObject pod = store.Get("Pod", ns, bare) ?? throw new TraceException($"pods \"{bare}\" not found in namespace {ns}");
                string? node = (string?)pod.Spec?["nodeName"];
                string? ip = (string?)pod.Json["status"]?["podIP"];
                if (string.IsNullOrEmpty(node) || string.IsNullOrEmpty(ip))
                {
                    throw new TraceException($"pod {ns}/{bare} has no address yet (is it Running? see edgectl describe pod {bare})");
                }

                return (bool?)pod.Spec?["hostNetwork"] == true ? new TraceSource(node, null, null, ip) : new TraceSource(node, ns, bare, ip);
            case "node":
                KubeObject n = store.Get("Node", "", bare) ?? throw new TraceException($"nodes \"{bare}\" not found");
                return new TraceSource(n.Name, null, null, Ipv4Address.Format(BoardStateCompiler.BoardAddress(n)));
            default:
                throw new TraceException($"{name} is neither a pod in namespace {ns} nor a node: a trace starts from a pod (pod/NAME) or a node (node/NAME)");
        }
    }

    public static TraceDestination Destination(ObjectStore store, string name, string ns, string? port)
    {
        (string? portText, int protocol) = Port(port);
        if (IPAddress.TryParse(name, out IPAddress? literal) && literal.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            return Numbered(name, Parse(name), protocol, portText);
        }

        (string? kind, string bare) = Split(name);
        if (kind == null)
        {
            string[] kinds = new[] { ("pod", store.Get("Pod", ns, bare)), ("svc", store.Get("Service", ns, bare)), ("node", store.Get("Node", "", bare)) }
                .Where(k => k.Item2 != null).Select(k => k.Item1).ToArray();
            if (kinds.Length > 1)
            {
                throw new TraceException($"{bare} is a {string.Join(" and a ", kinds)}: say which ({string.Join(" or ", kinds.Select(k => k + "/" + bare))})");
            }

            kind = kinds.FirstOrDefault() ?? throw new TraceException($"{bare} is no pod or Service in namespace {ns}, no node and no IPv4 address");
        }

        switch (kind)
        {
            case "pod":
                KubeObject pod = store.Get("Pod", ns, bare) ?? throw new TraceException($"pods \"{bare}\" not found in namespace {ns}");
                string ip = (string?)pod.Json["status"]?["podIP"] ?? throw new TraceException($"pod {ns}/{bare} has no address yet");
                return Numbered($"pod/{bare}", Parse(ip), protocol, portText);
            case "node":
                KubeObject node = store.Get("Node", "", bare) ?? throw new TraceException($"nodes \"{bare}\" not found");
                return Numbered($"node/{bare}", BoardStateCompiler.BoardAddress(node), protocol, portText);
            default:
                KubeObject service = store.Get("Service", ns, bare) ?? throw new TraceException($"services \"{bare}\" not found in namespace {ns}");
                return Service(service, protocol, portText, port != null && port.Contains('/'));
        }
    }

    private static TraceDestination Numbered(string described, uint address, int protocol, string? port)
    {
        if (port == null)
        {
            return new TraceDestination(described, address, IpProtocol.Icmp, 0);
        }

        return int.TryParse(port, out int number) && number is > 0 and < 65536
            ? new TraceDestination($"{described}:{number}", address, protocol, number)
            : throw new TraceException($"--port {port}: give a port number (1-65535); names are a Service's ports");
    }

    // A Service is called at its ClusterIP and one of its ports: by number or name, the first when none is given.
    private static TraceDestination Service(KubeObject service, int protocol, string? port, bool protocolGiven)
    {
        string name = $"{service.Namespace}/{service.Name}";
        string? clusterIp = (string?)service.Spec?["clusterIP"];
        if ((string?)service.Spec?["type"] == "ExternalName")
        {
            throw new TraceException($"service {name} is an ExternalName: it has no address of its own (DNS answers with {(string?)service.Spec?["externalName"]}); trace to that");
        }

        if (string.IsNullOrEmpty(clusterIp) || clusterIp == "None")
        {
            throw new TraceException($"service {name} is headless: it has no ClusterIP for kube-proxy to translate; trace to one of its pods");
        }

        JsonObject[] ports = (service.Spec?["ports"] as JsonArray)?.OfType<JsonObject>().ToArray() ?? [];
        JsonObject? chosen = port == null ? ports.FirstOrDefault()
            : ports.FirstOrDefault(p => (string?)p["name"] == port || JsonNumbers.AsInt(p["port"])?.ToString(System.Globalization.CultureInfo.InvariantCulture) == port);
        if (chosen == null)
        {
            throw new TraceException(port == null ? $"service {name} has no ports"
                : $"service {name} has no port {port} (it has {string.Join(", ", ports.Select(p => JsonNumbers.AsInt(p["port"]) + ((string?)p["name"] is { } n ? $" ({n})" : "")))})");
        }

        int number = JsonNumbers.AsInt(chosen["port"]) ?? 0;
        int serviceProtocol = ((string?)chosen["protocol"] ?? "TCP").ToUpperInvariant() == "UDP" ? IpProtocol.Udp : IpProtocol.Tcp;
        if (protocolGiven && protocol != serviceProtocol)
        {
            throw new TraceException($"service {name} port {number} is {((string?)chosen["protocol"] ?? "TCP").ToUpperInvariant()}, not {(protocol == IpProtocol.Udp ? "UDP" : "TCP")}");
        }

        return new TraceDestination($"svc/{service.Name}:{number}", Parse(clusterIp), serviceProtocol, number);
    }

    private static uint Parse(string address) =>
        Ipv4Address.TryParse(address, out uint parsed) ? parsed : throw new TraceException($"{address} is not an IPv4 address");

    private static (string? Kind, string Name) Split(string name)
    {
        int slash = name.IndexOf('/');
        if (slash < 0)
        {
            return (null, name);
        }

        string kind = name[..slash].ToLowerInvariant() switch
        {
            "pod" or "pods" or "po" => "pod",
            "svc" or "service" or "services" => "svc",
            "node" or "nodes" or "no" => "node",
            _ => throw new TraceException($"{name}: say pod/NAME, svc/NAME, node/NAME or an IPv4 address"),
        };
        return (kind, name[(slash + 1)..]);
    }

    // "80", "80/UDP", "http/TCP", or null: the port text and the protocol (TCP unless said).
    private static (string? Port, int Protocol) Port(string? port)
    {
        if (string.IsNullOrEmpty(port))
        {
            return (null, IpProtocol.Tcp);
        }

        int slash = port.IndexOf('/');
        string protocol = slash < 0 ? "TCP" : port[(slash + 1)..].ToUpperInvariant();
        return protocol switch
        {
            "TCP" => (slash < 0 ? port : port[..slash], IpProtocol.Tcp),
            "UDP" => (port[..slash], IpProtocol.Udp),
            _ => throw new TraceException($"--port {port}: the protocol is TCP or UDP (SCTP is not traced)"),
        };
    }
}

/// <summary>A trace that cannot be made as asked; the message says what to do.</summary>
public sealed class TraceException(string message) : Exception(message);
