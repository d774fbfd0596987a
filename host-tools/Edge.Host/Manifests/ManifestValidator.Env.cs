using System.Text.Json.Nodes;
using Edge.Host.Objects;

namespace Edge.Host.Manifests;

/// <summary>A container's env and envFrom as kube-apiserver validates them, in its words.</summary>
public static partial class ManifestValidator
{
    private const string EnvNameMessage = "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')";

    private static readonly string[] EnvFieldPaths =
    [
        "metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid",
        "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
    ];

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
                    string path = (string?)field["fieldPath"] ?? "";
                    string bare = path.Contains('[') ? path[..path.IndexOf('[')] : path;
                    if (!EnvFieldPaths.Contains(bare))
                    {
                        v.Error(where + ".valueFrom.fieldRef.fieldPath", $"Unsupported value: \"{path}\": supported values: {string.Join(", ", EnvFieldPaths.Select(p => $"\"{p}\""))}");
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
