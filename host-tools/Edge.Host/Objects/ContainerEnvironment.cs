using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Edge.Host.Objects;

/// <summary>
/// A container's environment as the kubelet makes it when the container starts
/// (makeEnvironmentVariables): the Services' variables first (the pod's namespace's, unless
/// enableServiceLinks is false, and the kubernetes Service's always), then envFrom's ConfigMaps and
/// Secrets, then env in order, each value's $(VAR) references expanded against what is defined so
/// far; a later name replaces an earlier one. What cannot be made (a ConfigMap or Secret that is
/// not there, a missing key, a field the kubelet does not know) is the kubelet's
/// CreateContainerConfigError, with its message.
/// </summary>
public static partial class ContainerEnvironment
{
    /// <summary>The cluster's objects the environment reads: ConfigMaps, Secrets and Services, in any namespace.</summary>
    /// <summary>The cluster's objects the environment reads, and the pod's Node (whose allocatable stands in for a limit the container does not set).</summary>
    public sealed record Sources(IReadOnlyList<KubeObject> ConfigMaps, IReadOnlyList<KubeObject> Secrets, IReadOnlyList<KubeObject> Services, KubeObject? Node = null);

    /// <summary>The variables in the order they were first defined, or why the container cannot be created.</summary>
    public sealed record Result(IReadOnlyList<KeyValuePair<string, string>> Variables, string? Error);

    /// <summary>
    /// The environment as the container sees it (<paramref name="onBoard"/> false), or what a board
    /// is given for it (true): what env and envFrom say but a Secret's values (the management line
    /// is authenticated, not encrypted, and the built-in images read none) and the Services'
    /// variables (the host has them: a board does not need them to run the image).
    /// </summary>
    public static Result For(KubeObject pod, JsonObject container, Sources sources, bool onBoard = false)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        var order = new List<string>();
        void Set(string name, string value)
        {
            if (!env.ContainsKey(name))
            {
                order.Add(name);
            }

            env[name] = value;
        }

        foreach ((string name, string value) in onBoard ? [] : ServiceLinks(pod, sources.Services))
        {
            Set(name, value);
        }

        foreach (JsonObject from in (container["envFrom"] as JsonArray ?? []).OfType<JsonObject>())
        {
            string prefix = (string?)from["prefix"] ?? "";
            bool secret = from["secretRef"] is JsonObject;
            JsonObject? reference = from["configMapRef"] as JsonObject ?? from["secretRef"] as JsonObject;
            string refName = (string?)reference?["name"] ?? "";
            bool optional = (bool?)reference?["optional"] == true;
            IReadOnlyDictionary<string, string>? data = secret ? SecretData(sources, pod.Namespace, refName) : ConfigMapData(sources, pod.Namespace, refName);
            if (data == null)
            {
                if (optional)
                {
                    continue;
                }

                return new Result([], $"{(secret ? "secret" : "configmap")} \"{refName}\" not found");
            }

            foreach ((string key, string value) in data.OrderBy(d => d.Key, StringComparer.Ordinal))
            {
                if (EnvName().IsMatch(prefix + key) && !(onBoard && secret))
                {
                    Set(prefix + key, value); // keys that are no variable name are skipped (the kubelet's InvalidEnvironmentVariableNames)
                }
            }
        }

        foreach (JsonObject variable in (container["env"] as JsonArray ?? []).OfType<JsonObject>())
        {
            string name = (string?)variable["name"] ?? "";
            if (variable["valueFrom"] is not JsonObject valueFrom)
            {
                Set(name, Expand((string?)variable["value"] ?? "", env));
                continue;
            }

            (string? value, string? error) = From(valueFrom, pod, container, sources);
            if (error != null)
            {
                return new Result([], error);
            }

            if (value != null && !(onBoard && valueFrom["secretKeyRef"] is JsonObject))
            {
                Set(name, value);
            }
        }

        return new Result(order.Select(n => new KeyValuePair<string, string>(n, env[n])).ToList(), null);
    }

    /// <summary>The names of the container's variables whose values come from Secrets: what a board is not sent.</summary>
    public static IReadOnlyList<string> FromSecrets(KubeObject pod, JsonObject container, Sources sources)
    {
        HashSet<string> onBoard = For(pod, container, sources, onBoard: true).Variables.Select(v => v.Key).ToHashSet(StringComparer.Ordinal);
        HashSet<string> links = ServiceLinks(pod, sources.Services).Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        return For(pod, container, sources).Variables.Select(v => v.Key).Where(n => !onBoard.Contains(n) && !links.Contains(n)).ToList();
    }

    /// <summary>
    /// The kubelet's variables for the Services a container can see when it starts: those of its
    /// pod's namespace that have a cluster IP (unless enableServiceLinks is false), and the
    /// kubernetes Service in default always ({NAME}_SERVICE_HOST, _SERVICE_PORT, _SERVICE_PORT_{PORT}
    /// for each named port, and Docker's link variables {NAME}_PORT, {NAME}_PORT_{port}_{PROTO} and
    /// its _PROTO, _PORT, _ADDR). A Service of the pod's namespace shadows default's of the same name.
    /// </summary>
    public static IEnumerable<(string Name, string Value)> ServiceLinks(KubeObject pod, IEnumerable<KubeObject> services)
    {
        bool links = (bool?)pod.Spec?["enableServiceLinks"] ?? true;
        var visible = new Dictionary<string, KubeObject>(StringComparer.Ordinal);
        foreach (KubeObject service in services.Where(s => HasClusterIp(s)))
        {
            if (service.Namespace == "default" && service.Name == "kubernetes" && !visible.ContainsKey(service.Name))
            {
                visible[service.Name] = service;
            }

            if (links && service.Namespace == pod.Namespace)
            {
                visible[service.Name] = service;
            }
        }

        foreach (KubeObject service in visible.Values.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            string name = VariableName(service.Name);
            string ip = (string)service.Spec!["clusterIP"]!;
            JsonObject[] ports = (service.Spec["ports"] as JsonArray ?? []).OfType<JsonObject>().ToArray();
            yield return ($"{name}_SERVICE_HOST", ip);
            if (ports.Length > 0)
            {
                yield return ($"{name}_SERVICE_PORT", Port(ports[0]));
            }

            foreach (JsonObject port in ports.Where(p => ((string?)p["name"] ?? "").Length > 0))
            {
                yield return ($"{name}_SERVICE_PORT_{VariableName((string)port["name"]!)}", Port(port));
            }

            for (int i = 0; i < ports.Length; i++)
            {
                string protocol = (string?)ports[i]["protocol"] ?? "TCP";
                string url = $"{protocol.ToLowerInvariant()}://{ip}:{Port(ports[i])}";
                if (i == 0)
                {
                    yield return ($"{name}_PORT", url);
                }

                string prefix = $"{name}_PORT_{Port(ports[i])}_{protocol.ToUpperInvariant()}";
                yield return (prefix, url);
                yield return (prefix + "_PROTO", protocol.ToLowerInvariant());
                yield return (prefix + "_PORT", Port(ports[i]));
                yield return (prefix + "_ADDR", ip);
            }
        }
    }

    /// <summary>
    /// $(VAR) replaced by VAR's value when it is defined, left as written when it is not; $$ is a
    /// literal $ (so $$(VAR) stays "$(VAR)"), as Kubernetes' expansion does.
    /// </summary>
    public static string Expand(string text, IReadOnlyDictionary<string, string> defined)
    {
        var result = new StringBuilder();
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] != '$' || i + 1 >= text.Length)
            {
                result.Append(text[i]);
                continue;
            }

            char next = text[i + 1];
            if (next == '$')
            {
                result.Append('$');
                i++;
            }
            else if (next == '(' && text.IndexOf(')', i + 2) is int close and > 0)
            {
                string name = text[(i + 2)..close];
                result.Append(defined.TryGetValue(name, out string? value) ? value : text[i..(close + 1)]);
                i = close;
            }
            else
            {
                result.Append('$');
            }
        }

        return result.ToString();
    }

    /// <summary>
    /// The program's args as the kubelet gives them: a <c>command</c> naming the image's own program
    /// ("/whoami") adds what follows it before <c>args</c>; $(VAR) in both expanded against the
    /// container's environment.
    /// </summary>
    public static string[] Args(JsonObject container, string shortImageName, IReadOnlyList<KeyValuePair<string, string>> env)
    {
        var defined = env.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
        var args = new List<string>();
        if (container["command"] is JsonArray { Count: > 0 } command && ProgramName((string?)command[0]) == shortImageName)
        {
            args.AddRange(command.Skip(1).Select(c => (string?)c ?? ""));
        }

        args.AddRange((container["args"] as JsonArray ?? []).Select(a => (string?)a ?? ""));
        return args.Select(a => Expand(a, defined)).ToArray();
    }

    /// <summary>"/usr/local/bin/whoami" gives "whoami".</summary>
    public static string ProgramName(string? path) => path == null ? "" : path[(path.LastIndexOf('/') + 1)..];

    /// <summary>A Service's name as the kubelet makes it a variable's: upper case, '-' as '_'.</summary>
    public static string VariableName(string name) => Dataplane.Workloads.Tools.EnvTool.VariableName(name); // the board's env makes them by the same rule

    // One valueFrom: a field of the pod, a container's resource, a ConfigMap's or a Secret's key.
    private static (string? Value, string? Error) From(JsonObject valueFrom, KubeObject pod, JsonObject container, Sources sources)
    {
        if (valueFrom["fieldRef"] is JsonObject field)
        {
            string path = (string?)field["fieldPath"] ?? "";
            string? value = FieldValue(pod, path);
            return value != null ? (value, null) : (null, $"unsupported fieldPath: {path}");
        }

        if (valueFrom["resourceFieldRef"] is JsonObject resource)
        {
            return (ResourceValue(container, resource, sources.Node), null);
        }

        bool secret = valueFrom["secretKeyRef"] is JsonObject;
        JsonObject? keyRef = valueFrom["configMapKeyRef"] as JsonObject ?? valueFrom["secretKeyRef"] as JsonObject;
        if (keyRef == null)
        {
            return (null, null);
        }

        string name = (string?)keyRef["name"] ?? "", key = (string?)keyRef["key"] ?? "";
        bool optional = (bool?)keyRef["optional"] == true;
        IReadOnlyDictionary<string, string>? data = secret ? SecretData(sources, pod.Namespace, name) : ConfigMapData(sources, pod.Namespace, name);
        if (data == null)
        {
            return optional ? (null, null) : (null, $"{(secret ? "secret" : "configmap")} \"{name}\" not found");
        }

        if (!data.TryGetValue(key, out string? found))
        {
            return optional ? (null, null) : (null, $"couldn't find key {key} in {(secret ? "Secret" : "ConfigMap")} {pod.Namespace}/{name}");
        }

        return (found, null);
    }

    // The downward API's fields for env (pod-level; status.podIP once the pod has its address).
    /// <summary>A field of the pod as the downward API gives it to env; null for a path it does not give.</summary>
    public static string? FieldValue(KubeObject pod, string path)
    {
        Match label = LabelPath().Match(path);
        if (label.Success)
        {
            return (string?)pod.Metadata[label.Groups[1].Value]?[label.Groups[2].Value] ?? "";
        }

        return path switch
        {
            "metadata.name" => pod.Name,
            "metadata.namespace" => pod.Namespace,
            "metadata.uid" => (string?)pod.Metadata["uid"] ?? "",
            "spec.nodeName" => (string?)pod.Spec?["nodeName"] ?? "",
            "spec.serviceAccountName" => (string?)pod.Spec?["serviceAccountName"] ?? "default",
            "status.podIP" or "status.podIPs" => (string?)pod.Json["status"]?["podIP"] ?? "",
            "status.hostIP" or "status.hostIPs" => (string?)pod.Json["status"]?["hostIP"] ?? "",
            _ => null,
        };
    }

    // limits.cpu/memory, requests.cpu/memory in the divisor's units, rounded up (cpu "1" by default, memory bytes).
    /// <summary>A container's resource as resourceFieldRef gives it, in the divisor's units rounded up (a cpu or memory limit it does not set is the node's allocatable, when the node is known).</summary>
    public static string ResourceValue(JsonObject container, JsonObject resource, KubeObject? node)
    {
        string what = (string?)resource["resource"] ?? "";
        int dot = what.IndexOf('.');
        string field = dot > 0 ? what[..dot] : what, name = dot > 0 ? what[(dot + 1)..] : "";
        Quantity? value = PodResources.Read(container["resources"]?[field]?[name]);
        if (value == null && field == "limits" && name is PodResources.Cpu or PodResources.Memory && node != null)
        {
            value = Scheduling.Scheduler.Allocatable(node, name); // the kubelet's: no limit is the node's allocatable
        }

        decimal divisor = PodResources.Read(resource["divisor"])?.Value is decimal d and > 0 ? d : 1;
        try
        {
            return value == null ? "0" : Math.Ceiling(value.Value.Value / divisor).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (OverflowException)
        {
            return long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture); // an amount past any board's, from a divisor validation refuses
        }
    }

    private static IReadOnlyDictionary<string, string>? ConfigMapData(Sources sources, string ns, string name)
    {
        KubeObject? map = sources.ConfigMaps.FirstOrDefault(c => c.Namespace == ns && c.Name == name);
        return map == null ? null : (map.Json["data"] as JsonObject ?? []).ToDictionary(d => d.Key, d => (string?)d.Value ?? "", StringComparer.Ordinal);
    }

    private static IReadOnlyDictionary<string, string>? SecretData(Sources sources, string ns, string name)
    {
        KubeObject? secret = sources.Secrets.FirstOrDefault(s => s.Namespace == ns && s.Name == name);
        return secret == null ? null : (secret.Json["data"] as JsonObject ?? []).ToDictionary(d => d.Key, d => Decode((string?)d.Value), StringComparer.Ordinal);
    }

    private static string Decode(string? base64)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64 ?? ""));
        }
        catch (FormatException)
        {
            return "";
        }
    }

    private static bool HasClusterIp(KubeObject service) =>
        (string?)service.Spec?["clusterIP"] is { Length: > 0 } ip && ip != "None" && (string?)service.Spec?["type"] != "ExternalName";

    private static string Port(JsonObject port) => (JsonNumbers.AsInt(port["port"]) ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A label or an annotation by its key: metadata.labels['app'].</summary>
    public static bool IsLabelPath(string path) => LabelPath().IsMatch(path);

    [GeneratedRegex(@"^metadata\.(labels|annotations)\['([^']*)'\]$")]
    private static partial Regex LabelPath();

    /// <summary>A name Kubernetes takes for an environment variable.</summary>
    [GeneratedRegex("^[-._a-zA-Z][-._a-zA-Z0-9]*$")]
    public static partial Regex EnvName();
}
