using System.Text.Json.Nodes;
using Edge.Host.Objects;

namespace Edge.Host.Printing;

/// <summary>
/// A container's envFrom and env as kubectl's describe pod prints them: the sources of
/// "Environment Variables from:" (when there are any), then each variable of "Environment:", a
/// value as written, a field with its resolved value and path, a ConfigMap's or Secret's key
/// named, never a Secret's value:
/// <code>
///     Environment Variables from:
///       settings    ConfigMap  Optional: false
///     Environment:
///       GREETING:  hello
///       POD_IP:     (v1:status.podIP)
///       PASSWORD:  &lt;set to the key 'password' in secret 'db'&gt;  Optional: false
/// </code>
/// </summary>
public static class ContainerEnvDescription
{
    public static void Write(TextWriter o, KubeObject pod, JsonObject container)
    {
        var w = new TabbedText(o);
        JsonObject[] envFrom = (container["envFrom"] as JsonArray ?? []).OfType<JsonObject>().ToArray();
        if (envFrom.Length > 0)
        {
            w.Line("    Environment Variables from:");
            foreach (JsonObject from in envFrom)
            {
                bool secret = from["secretRef"] is JsonObject;
                JsonObject? reference = from["configMapRef"] as JsonObject ?? from["secretRef"] as JsonObject;
                string kind = secret ? "Secret" : "ConfigMap";
                string prefix = (string?)from["prefix"] is { Length: > 0 } p ? $" with prefix '{p}'" : "";
                w.Line($"      {(string?)reference?["name"]}\t{kind}{prefix}\tOptional: {Optional(reference)}");
            }
        }

        JsonObject[] env = (container["env"] as JsonArray ?? []).OfType<JsonObject>().ToArray();
        w.Line(env.Length == 0 ? "    Environment:\t<none>" : "    Environment:");
        foreach (JsonObject variable in env)
        {
            string name = (string?)variable["name"] ?? "";
            if (variable["valueFrom"] is not JsonObject from)
            {
                string[] lines = ((string?)variable["value"] ?? "").Split('\n');
                w.Line($"      {name}:\t{lines[0]}");
                foreach (string more in lines.Skip(1))
                {
                    w.Line($"      \t{more}");
                }

                continue;
            }

            if (from["fieldRef"] is JsonObject field)
            {
                string path = (string?)field["fieldPath"] ?? "";
                string resolved = ContainerEnvironment.FieldValue(pod, path) ?? "";
                w.Line($"      {name}:\t{resolved} ({(string?)field["apiVersion"] ?? "v1"}:{path})");
            }
            else if (from["resourceFieldRef"] is JsonObject resource)
            {
                // As kubectl: a cpu or memory limit the container does not set is the node's allocatable.
                string what = (string?)resource["resource"] ?? "";
                bool unset = what is "limits.cpu" or "limits.memory" && container["resources"]?["limits"]?[what["limits.".Length..]] == null;
                string value = unset ? "node allocatable" : ContainerEnvironment.ResourceValue(container, resource, null);
                w.Line($"      {name}:\t{value} ({what})");
            }
            else if (from["secretKeyRef"] is JsonObject secretKey)
            {
                w.Line($"      {name}:\t<set to the key '{(string?)secretKey["key"]}' in secret '{(string?)secretKey["name"]}'>\tOptional: {Optional(secretKey)}");
            }
            else if (from["configMapKeyRef"] is JsonObject mapKey)
            {
                w.Line($"      {name}:\t<set to the key '{(string?)mapKey["key"]}' of config map '{(string?)mapKey["name"]}'>\tOptional: {Optional(mapKey)}");
            }
        }

        w.Flush();
    }

    public static string Of(KubeObject pod, JsonObject container)
    {
        var o = new StringWriter { NewLine = "\n" };
        Write(o, pod, container);
        return o.ToString();
    }

    private static string Optional(JsonObject? reference) => (bool?)reference?["optional"] == true ? "true" : "false";
}
