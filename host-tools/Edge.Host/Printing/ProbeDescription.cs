using System.Globalization;
using System.Text.Json.Nodes;
using Edge.Host.Objects;

namespace Edge.Host.Printing;

/// <summary>A probe in one line, as `kubectl describe pod` prints it: the handler, then its timing.</summary>
public static class ProbeDescription
{
    public static string Describe(JsonObject probe)
    {
        string handler = probe["httpGet"] is JsonObject http
            ? $"http-get {Scheme(http)}://{(string?)http["host"] ?? ""}:{Port(http["port"])}{(string?)http["path"] ?? "/"}"
            : probe["tcpSocket"] is JsonObject tcp
            ? $"tcp-socket {(string?)tcp["host"] ?? ""}:{Port(tcp["port"])}"
            : probe["exec"] is JsonObject exec
            ? $"exec [{string.Join(" ", (exec["command"] as JsonArray ?? []).Select(w => (string?)w ?? ""))}]"
            : probe["grpc"] is JsonObject grpc ? $"grpc <pod>:{Port(grpc["port"])} {(string?)grpc["service"] ?? ""}" : "unknown";
        return $"{handler} delay={Seconds(probe, "initialDelaySeconds", 0)}s timeout={Seconds(probe, "timeoutSeconds", 1)}s period={Seconds(probe, "periodSeconds", 10)}s "
            + $"#success={Seconds(probe, "successThreshold", 1)} #failure={Seconds(probe, "failureThreshold", 3)}";
    }

    private static string Scheme(JsonObject http) => ((string?)http["scheme"] ?? "HTTP").ToLowerInvariant();

    private static string Port(JsonNode? port) => JsonNumbers.AsInt(port) is int n ? n.ToString(CultureInfo.InvariantCulture) : (string?)port ?? "";

    private static int Seconds(JsonObject probe, string field, int fallback) => JsonNumbers.AsInt(probe[field]) is int n and > 0 ? n : fallback;
}
