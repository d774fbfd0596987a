using System.Text.Json.Nodes;

namespace Edge.Host.Objects;

/// <summary>
/// What kube-apiserver fills in on a pod's containers before it stores them (SetDefaults_Probe,
/// SetDefaults_HTTPGetAction, SetDefaults_ContainerPort), so `kubectl describe` and `-o yaml` show
/// what the kubelet runs: a probe's timeoutSeconds 1, periodSeconds 10, successThreshold 1 and
/// failureThreshold 3, an httpGet's path "/" and scheme HTTP, a container port's protocol TCP.
/// </summary>
public static class PodDefaults
{
    public static void Apply(JsonNode? podSpec)
    {
        foreach (JsonObject container in PodResources.Containers(podSpec as JsonObject))
        {
            foreach (JsonObject port in (container["ports"] as JsonArray ?? []).OfType<JsonObject>())
            {
                port["protocol"] ??= "TCP";
            }

            foreach (string field in Compile.ProbeCompiler.Fields)
            {
                if (container[field] is JsonObject probe)
                {
                    Probe(probe);
                }
            }
        }
    }

    private static void Probe(JsonObject probe)
    {
        Default(probe, "timeoutSeconds", 1);
        Default(probe, "periodSeconds", 10);
        Default(probe, "successThreshold", 1);
        Default(probe, "failureThreshold", 3);
        if (probe["httpGet"] is JsonObject http)
        {
            if (((string?)http["path"] ?? "").Length == 0)
            {
                http["path"] = "/";
            }

            http["scheme"] ??= "HTTP";
        }
    }

    // Unset or 0, as the API's defaulting treats a zero there.
    private static void Default(JsonObject probe, string field, int value)
    {
        if ((JsonNumbers.AsInt(probe[field]) ?? 0) == 0)
        {
            probe[field] = value;
        }
    }
}
