using System.Text.Json.Nodes;
using Edge.Dataplane.Ingress;
using Edge.Host.Objects;

namespace Edge.Host.Compile;

/// <summary>
/// Turns the Ingresses Edge serves (<see cref="IngressClasses.ServedByEdge"/>) into the routes
/// every board matches: one per rule host and path, and one for a defaultBackend, each with its
/// backend Service port resolved to a number (a named port through the Service's spec.ports).
/// A backend whose Service or port name does not exist keeps port 0: the board answers 503, as
/// ingress-nginx does for a Service it cannot find. Older Ingresses come first, so on a tie the
/// older rule wins, and the oldest defaultBackend is the one taken. Resource backends are not
/// served (validation says so).
/// </summary>
public static class IngressRouteCompiler
{
    public static IngressRoutes? Compile(IReadOnlyList<KubeObject> ingresses, IReadOnlyList<KubeObject> ingressClasses, IReadOnlyList<KubeObject> services)
    {
        var routes = new List<(string Host, string Path, byte Type, string Namespace, string Service, ushort Port)>();
        IEnumerable<KubeObject> served = ingresses.Where(i => IngressClasses.ServedByEdge(i, ingressClasses))
            .OrderBy(i => (string?)i.Metadata["creationTimestamp"] ?? "", StringComparer.Ordinal)
            .ThenBy(i => i.Namespace, StringComparer.Ordinal).ThenBy(i => i.Name, StringComparer.Ordinal);
        foreach (KubeObject ingress in served)
        {
            foreach (JsonNode? rule in ingress.Spec?["rules"] as JsonArray ?? [])
            {
                string host = ((string?)rule?["host"] ?? "").ToLowerInvariant();
                foreach (JsonNode? path in rule?["http"]?["paths"] as JsonArray ?? [])
                {
                    byte type = (string?)path?["pathType"] switch
                    {
                        "Exact" => PathType.Exact,
                        "Prefix" => PathType.Prefix,
                        "ImplementationSpecific" => PathType.ImplementationSpecific,
                        _ => PathType.Default,
                    };
                    string value = (string?)path?["path"] is { Length: > 0 } p ? p : "/";
                    if (type == PathType.Default || !value.StartsWith('/') || Backend(path?["backend"], ingress.Namespace, services) is not var (service, port))
                    {
                        continue; // refused by validation; an object stored before it is skipped, not sent
                    }

                    routes.Add((host, value, type, ingress.Namespace, service, port));
                }
            }

            if (Backend(ingress.Spec?["defaultBackend"], ingress.Namespace, services) is var (defaultService, defaultPort))
            {
                routes.Add(("", "", PathType.Default, ingress.Namespace, defaultService, defaultPort));
            }
        }

        if (routes.Count == 0)
        {
            return null;
        }

        var compiled = new IngressRoutes(routes.Count);
        foreach (var r in routes)
        {
            compiled.Add(r.Host, r.Path, r.Type, r.Namespace, r.Service, r.Port);
        }

        return compiled;
    }

    // The backend's Service and port number (0 when it cannot be resolved); null for no service backend.
    private static (string Service, ushort Port)? Backend(JsonNode? backend, string ns, IReadOnlyList<KubeObject> services)
    {
        if ((string?)backend?["service"]?["name"] is not { Length: > 0 } name)
        {
            return null;
        }

        JsonNode? port = backend["service"]?["port"];
        if (JsonNumbers.AsInt(port?["number"]) is int number and > 0 and <= 65535)
        {
            return (name, (ushort)number);
        }

        KubeObject? service = services.FirstOrDefault(s => s.Namespace == ns && s.Name == name);
        JsonNode? named = (service?.Spec?["ports"] as JsonArray)?.FirstOrDefault(p => (string?)p?["name"] == (string?)port?["name"]);
        return (name, (ushort)(JsonNumbers.AsInt(named?["port"]) ?? 0));
    }
}
