using System.Text.Json.Nodes;
using Edge.Dataplane.Mgmt;
using Edge.Host.Objects;

namespace Edge.Host.Compile;

/// <summary>
/// A container's probes as its board runs them: the handler with its port resolved (a named
/// port is looked up in the container's ports, as the kubelet does), an httpGet's path and
/// headers, an exec's command, and the timing with the API server's defaults filled in.
/// </summary>
public static class ProbeCompiler
{
    /// <summary>The probe fields in the order a board keeps them (<see cref="ProbeSpec.Startup"/>, Liveness, Readiness).</summary>
    public static readonly string[] Fields = ["startupProbe", "livenessProbe", "readinessProbe"];

    /// <summary>The container's probes, or null when it has none.</summary>
    public static ProbeSpec?[]? For(JsonObject container)
    {
        var probes = new ProbeSpec?[3];
        bool any = false;
        for (int k = 0; k < 3; k++)
        {
            if (container[Fields[k]] is JsonObject probe)
            {
                probes[k] = Probe(probe, container);
                any |= probes[k] != null;
            }
        }

        return any ? probes : null;
    }

    private static ProbeSpec? Probe(JsonObject probe, JsonObject container)
    {
        var spec = new ProbeSpec();
        if (probe["httpGet"] is JsonObject http)
        {
            spec.Handler = ProbeSpec.HttpGet;
            spec.Port = Port(http["port"], container);
            var words = new List<string> { (string?)http["path"] ?? "/" };
            foreach (JsonNode? header in http["httpHeaders"] as JsonArray ?? [])
            {
                words.Add($"{(string?)header?["name"]}: {(string?)header?["value"]}");
            }

            spec.Words = [.. words];
        }
        else if (probe["tcpSocket"] is JsonObject tcp)
        {
            spec.Handler = ProbeSpec.TcpSocket;
            spec.Port = Port(tcp["port"], container);
        }
        else if (probe["exec"] is JsonObject exec)
        {
            spec.Handler = ProbeSpec.Exec;
            spec.Words = (exec["command"] as JsonArray ?? []).Select(w => (string?)w ?? "").ToArray();
        }
        else
        {
            return null; // grpc: the validator refuses it
        }

        spec.SetTiming(
            Seconds(probe["initialDelaySeconds"], 0),
            Seconds(probe["periodSeconds"], 10),
            Seconds(probe["timeoutSeconds"], 1),
            Seconds(probe["successThreshold"], 1),
            Seconds(probe["failureThreshold"], 3));
        return spec;
    }

    /// <summary>A probe's port: a number, or the name of one of the container's ports (0 when there is no such name).</summary>
    public static int Port(JsonNode? port, JsonObject container)
    {
        if (JsonNumbers.AsInt(port, allowQuoted: false) is int number)
        {
            return number;
        }

        string? name = (string?)port;
        JsonNode? named = (container["ports"] as JsonArray)?.FirstOrDefault(p => (string?)p?["name"] == name);
        return JsonNumbers.AsInt(named?["containerPort"]) ?? 0;
    }

    private static int Seconds(JsonNode? value, int fallback) => JsonNumbers.AsInt(value) is int n and > 0 ? n : fallback;
}
