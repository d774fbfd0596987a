using System.Text.Json.Nodes;
using Edge.Host.Objects;

namespace Edge.Host.Manifests;

/// <summary>A container's env and envFrom as kube-apiserver validates them, in its words.</summary>
public static partial class ManifestValidator
{
    private const string EnvNameMessage = "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')";

    private static readonly string[] EnvFieldPaths =
    [
        "metadata.name", "metadata.namespace", "metadata.uid",
        "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
    ];

    private static readonly string[] EnvResources =
        ["limits.cpu", "limits.memory", "limits.ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage"];

    // The divisors kube-apiserver takes: cpu 1m or 1; memory (and storage) 1, or one of a unit.
    private static readonly string[] CpuDivisors = ["1m", "1"];
    private static readonly string[] ByteDivisors = ["1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei"];

    private static void ContainerEnv(Checker v, JsonObject spec, string at)
    {
        int i = 0;
        foreach (JsonObject container in PodResources.Containers(spec))
        {
            string c = $"{at}.containers[{i++}]";
            int e = 0;
            foreach (JsonObject variable in (container["env"] as JsonArray ?? []).OfType<JsonObject>())
            {
                string where = $"{c}.env[{e++}]";
                string name = (string?)variable["name"] ?? "";
                if (name.Length == 0)
                {
                    v.Error(where + ".name", "Required value");
                }
                else if (!ContainerEnvironment.EnvName().IsMatch(name))
                {
                    v.Error(where + ".name", $"Invalid value: \"{name}\": {EnvNameMessage}");
                }

                if (variable["valueFrom"] is not JsonObject from)
                {
                    continue;
                }

                if (((string?)variable["value"] ?? "").Length > 0)
                {
                    v.Error(where + ".valueFrom", "Invalid value: \"\": may not be specified when `value` is not empty");
                }

                int sources = new[] { "fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef" }.Count(f => from[f] is JsonObject);
                if (sources != 1)
                {
                    v.Error(where + ".valueFrom", sources == 0 ? "Invalid value: \"\": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`" : "Invalid value: \"\": may not have more than one field specified at a time");
                }

                if (from["fieldRef"] is JsonObject field)
                {
                    // A label or an annotation by its key in ['...'], or one of the pod's own fields.
                    string path = (string?)field["fieldPath"] ?? "";
                    if (!EnvFieldPaths.Contains(path) && !ContainerEnvironment.IsLabelPath(path))
                    {
                        v.Error(where + ".valueFrom.fieldRef.fieldPath", $"Unsupported value: \"{path}\": supported values: \"metadata.annotations['<KEY>']\", \"metadata.labels['<KEY>']\", {string.Join(", ", EnvFieldPaths.Select(p => $"\"{p}\""))}");
                    }
                }

                if (from["resourceFieldRef"] is JsonObject resource)
                {
                    string what = (string?)resource["resource"] ?? "";
                    if (!EnvResources.Contains(what))
                    {
                        v.Error(where + ".valueFrom.resourceFieldRef.resource", $"Unsupported value: \"{what}\": supported values: {string.Join(", ", EnvResources.Select(r => $"\"{r}\""))}");
                    }
                    else if ((string?)resource["divisor"] is string divisor && !(what.EndsWith(".cpu", StringComparison.Ordinal) ? CpuDivisors : ByteDivisors).Contains(divisor))
                    {
                        v.Error(where + ".valueFrom.resourceFieldRef.divisor", $"Unsupported value: \"{divisor}\": supported values: {string.Join(", ", (what.EndsWith(".cpu", StringComparison.Ordinal) ? CpuDivisors : ByteDivisors).Select(d => $"\"{d}\""))}");
                    }
                }

                foreach (string keyRef in new[] { "configMapKeyRef", "secretKeyRef" })
                {
                    if (from[keyRef] is JsonObject reference && ((string?)reference["key"] ?? "").Length == 0)
                    {
                        v.Error($"{where}.valueFrom.{keyRef}.key", "Required value");
                    }
                }
            }

            int f2 = 0;
            foreach (JsonObject from in (container["envFrom"] as JsonArray ?? []).OfType<JsonObject>())
            {
                string where = $"{c}.envFrom[{f2++}]";
                int sources = (from["configMapRef"] is JsonObject ? 1 : 0) + (from["secretRef"] is JsonObject ? 1 : 0);
                if (sources != 1)
                {
                    v.Error(where, sources == 0 ? "Invalid value: \"\": must specify one of: `configMapRef` or `secretRef`" : "Invalid value: \"\": may not have more than one field specified at a time");
                }
            }
        }
    }
}
