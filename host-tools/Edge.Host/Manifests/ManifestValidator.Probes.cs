using System.Text.Json.Nodes;
using Edge.Host.Objects;

namespace Edge.Host.Manifests;

/// <summary>A container's startup, liveness and readiness probes as kube-apiserver validates them, in its words, and what a board cannot run.</summary>
public static partial class ManifestValidator
{
    private static readonly string[] ProbeHandlers = ["exec", "httpGet", "tcpSocket", "grpc"];

    private static void ContainerProbes(Checker v, JsonObject spec, string at)
    {
        int i = 0;
        foreach (JsonObject container in PodResources.Containers(spec))
        {
            string c = $"{at}.containers[{i++}]";
            foreach (string field in Compile.ProbeCompiler.Fields)
            {
                if (container[field] is JsonObject probe)
                {
                    Probe(v, probe, container, $"{c}.{field}", mustSucceedOnce: field != "readinessProbe");
                }
            }
        }
    }

    private static void Probe(Checker v, JsonObject probe, JsonObject container, string at, bool mustSucceedOnce)
    {
        string[] handlers = ProbeHandlers.Where(h => probe[h] is JsonObject).ToArray();
        if (handlers.Length == 0)
        {
            v.Error(at, "Required value: must specify a handler type");
        }
        else if (handlers.Length > 1)
        {
            v.Error($"{at}.{handlers[1]}", "Forbidden: may not specify more than 1 handler type");
        }
        else if (handlers[0] == "grpc")
        {
            v.Error(at + ".grpc", "not supported: Edge boards probe with httpGet, tcpSocket or exec (a toolbox tool)");
        }
        else if (handlers[0] == "exec" && (probe["exec"]?["command"] as JsonArray ?? []).Count == 0)
        {
            v.Error(at + ".exec.command", "Required value");
        }
        else if (handlers[0] == "exec" && (string?)probe["exec"]!["command"]![0] is string program
            && !Dataplane.Workloads.Tools.ToolRunner.Tools.Split(", ").Contains(program))
        {
            v.Warning(at + ".exec.command", $"the probe will fail: a board's containers have {Dataplane.Workloads.Tools.ToolRunner.Tools}, not {program}");
        }
        else if (handlers[0] is "httpGet" or "tcpSocket")
        {
            ProbePort(v, probe[handlers[0]]!["port"], container, $"{at}.{handlers[0]}.port");
        }

        if (probe["httpGet"] is JsonObject http && (string?)http["scheme"] is { } scheme && scheme != "HTTP")
        {
            v.Error(at + ".httpGet.scheme", scheme == "HTTPS"
                ? "not supported: the built-in images serve plain HTTP (terminate TLS at an Ingress); probe with scheme HTTP"
                : $"Unsupported value: \"{scheme}\": supported values: \"HTTP\", \"HTTPS\"");
        }

        if (probe["httpGet"]?["host"] is JsonNode host && ((string?)host ?? "").Length > 0)
        {
            v.Warning(at + ".httpGet.host", "ignored: a board probes the pod's own address");
        }

        foreach ((string field, int least, int most) in new[] { ("initialDelaySeconds", 0, 65535), ("periodSeconds", 1, 65535), ("timeoutSeconds", 1, 65535), ("successThreshold", 1, 255), ("failureThreshold", 1, 255) })
        {
            if (probe[field] is not JsonNode node)
            {
                continue;
            }

            if (JsonNumbers.AsInt(node) is not int n)
            {
                v.Error($"{at}.{field}", "must be a whole number");
            }
            else if (n < 0)
            {
                v.Error($"{at}.{field}", $"Invalid value: {n}: must be greater than or equal to 0");
            }
            else if (n > most)
            {
                v.Warning($"{at}.{field}", $"a board holds at most {most}: {n} is taken as {most}");
            }
            else if (n < least && n != 0)
            {
                v.Error($"{at}.{field}", $"Invalid value: {n}: must be greater than or equal to {least}");
            }
        }

        if (mustSucceedOnce && JsonNumbers.AsInt(probe["successThreshold"]) is int success and not (0 or 1))
        {
            v.Error(at + ".successThreshold", $"Invalid value: {success}: must be 1");
        }
    }

    private static void ProbePort(Checker v, JsonNode? port, JsonObject container, string at)
    {
        if (port == null)
        {
            v.Error(at, "Required value");
            return;
        }

        if (JsonNumbers.AsInt(port) is int number)
        {
            if (number is < 1 or > 65535)
            {
                v.Error(at, $"Invalid value: {number}: must be between 1 and 65535, inclusive");
            }

            return;
        }

        string name = (string?)port ?? "";
        if (Compile.ProbeCompiler.Port(port, container) == 0)
        {
            v.Warning(at, $"the container has no port named \"{name}\": the probe will fail (add it to ports, or give the number)");
        }
    }
}
