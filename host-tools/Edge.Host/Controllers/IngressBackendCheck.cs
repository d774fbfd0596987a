using System.Text.Json.Nodes;
using Edge.Host.Objects;

namespace Edge.Host.Controllers;

/// <summary>
/// What an Ingress's backends name that is not there: a Service missing from its namespace, or a
/// port the Service does not have (by number or by name). Every board answers such a route 503
/// (ingress-nginx does too, and logs why); the controllers say it once as a Warning event on the
/// Ingress, where `describe ingress` shows it, so an attendee sees the typo rather than guess.
/// </summary>
public static class IngressBackendCheck
{
    public const string Reason = "BackendNotFound";

    /// <summary>Each problem in words, once, in the order the Ingress names its backends.</summary>
    public static List<string> Problems(KubeObject ingress, IReadOnlyList<KubeObject> services)
    {
        var problems = new List<string>();
        foreach ((string where, JsonNode? backend) in Backends(ingress))
        {
            if ((string?)backend?["service"]?["name"] is not { Length: > 0 } name)
            {
                continue; // a resource backend, or none
            }

            string qualified = $"{ingress.Namespace}/{name}";
            KubeObject? service = services.FirstOrDefault(s => s.Namespace == ingress.Namespace && s.Name == name);
            JsonNode? port = backend!["service"]?["port"];
            JsonObject[] ports = (service?.Spec?["ports"] as JsonArray)?.OfType<JsonObject>().ToArray() ?? [];
            string? problem = service switch
            {
                null => $"service \"{qualified}\" not found: {where} answers 503 until it exists",
                _ when JsonNumbers.AsInt(port?["number"]) is int number && !ports.Any(p => JsonNumbers.AsInt(p["port"]) == number) =>
                    $"service \"{qualified}\" has no port {number}: {where} answers 503",
                _ when (string?)port?["name"] is { Length: > 0 } portName && !ports.Any(p => (string?)p["name"] == portName) =>
                    $"service \"{qualified}\" has no port named \"{portName}\": {where} answers 503",
                _ => null,
            };
            if (problem != null && !problems.Contains(problem))
            {
                problems.Add(problem);
            }
        }

        return problems;
    }

    private static IEnumerable<(string Where, JsonNode? Backend)> Backends(KubeObject ingress)
    {
        if (ingress.Spec?["defaultBackend"] is JsonNode fallback)
        {
            yield return ("the default backend", fallback);
        }

        foreach (JsonObject rule in (ingress.Spec?["rules"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            string host = (string?)rule["host"] is { Length: > 0 } h ? h : "*";
            foreach (JsonObject path in (rule["http"]?["paths"] as JsonArray)?.OfType<JsonObject>() ?? [])
            {
                yield return ($"host {host} path {(string?)path["path"] ?? "/"}", path["backend"]);
            }
        }
    }
}
