using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Edge.Dataplane.Wire;
using Edge.Host.Objects;

namespace Edge.Host.Manifests;

/// <summary>
/// Checks what Edge can run before anything is stored: Kubernetes' own rules where it
/// matters (names, ports, selectors, types), and, in words a workshop attendee can act on,
/// the fields Edge does not support. Errors stop the object; warnings only inform.
/// </summary>
public static partial class ManifestValidator
{
    public static List<ManifestProblem> Validate(ManifestDocument doc)
    {
        var v = new Checker(doc);
        KubeObject o = doc.Object;
        if (o.ApiVersion.Length == 0)
        {
            v.Error("apiVersion", "required");
        }

        KindInfo? kind = o.Kind.Length == 0 ? null : KindInfo.ForKind(o.Kind);
        if (o.Kind.Length == 0)
        {
            v.Error("kind", "required");
            return v.Problems;
        }

        if (kind == null)
        {
            v.Error("kind", $"Edge does not keep {o.Kind} objects; it keeps {string.Join(", ", KindInfo.All.Select(k => k.Kind))}");
            return v.Problems;
        }

        if (o.ApiVersion.Length > 0 && o.ApiVersion != kind.ApiVersion)
        {
            v.Error("apiVersion", $"{o.ApiVersion} is not a version of {o.Kind}; use {kind.ApiVersion}");
        }

        if (o.Name.Length == 0)
        {
            v.Error("metadata.name", "required");
        }
        else if (!(kind.Kind is "Namespace" or "Service" ? Dns1123Label().IsMatch(o.Name) : Dns1123Subdomain().IsMatch(o.Name)))
        {
            v.Error("metadata.name", $"\"{o.Name}\" must be lower-case letters, digits and '-' (and '.' where allowed), starting and ending with a letter or digit");
        }

        if (o.Namespace.Length > 0 && !Dns1123Label().IsMatch(o.Namespace))
        {
            v.Error("metadata.namespace", $"\"{o.Namespace}\" is not a valid namespace name");
        }

        if (!kind.Namespaced && o.Namespace.Length > 0)
        {
            v.Warning("metadata.namespace", $"{o.Kind} is not namespaced; the namespace is ignored");
        }

        List<Api.TypeCheck.Problem> wrongTypes = Api.TypeCheck.Problems(o.Json, Api.OpenApi.ApiTypes.Of(kind));
        foreach (Api.TypeCheck.Problem wrong in wrongTypes)
        {
            v.Error(wrong.Path, wrong.Plainly);
        }

        if (wrongTypes.Count > 0)
        {
            return v.Problems; // the checks below read the fields as the types they must be
        }

        foreach (var (key, value) in o.Labels)
        {
            if (!LabelKey().IsMatch(key) || value.Length > 63 || (value.Length > 0 && !LabelValue().IsMatch(value)))
            {
                v.Error($"metadata.labels.{key}", $"\"{key}: {value}\" is not a valid label");
            }
        }

        switch (o.Kind)
        {
            case "Pod":
                PodSpec(v, o.Spec, "spec");
                break;
            case "Deployment":
                Deployment(v, o);
                break;
            case "Service":
                Service(v, o.Spec);
                break;
            case "NetworkPolicy":
                NetworkPolicy(v, o.Spec);
                break;
            case "Ingress":
                Ingress(v, o);
                break;
            case "IngressClass":
                IngressClass(v, o.Spec);
                break;
            case "ReplicaSet":
                v.Warning("kind", "Edge keeps ReplicaSets as a Deployment's revisions (rollout history and undo); one made by hand runs no pods: use a Deployment");
                break;
            case "LimitRange":
                LimitRange(v, o.Spec);
                break;
            case "ConfigMap":
                ConfigData(v, o, "data", "binaryData");
                break;
            case "Secret":
                ConfigData(v, o, "data", "stringData");
                TlsSecretKeys(v, o);
                break;
        }

        return v.Problems;
    }

    // A config map's or secret's keys as Kubernetes checks them: config keys, each in one map only, 1 MiB in all.
    private static void ConfigData(Checker v, KubeObject o, string first, string second)
    {
        var seen = new HashSet<string>();
        long size = 0;
        foreach (string field in new[] { first, second })
        {
            foreach ((string key, JsonNode? value) in o.Json[field] as JsonObject ?? [])
            {
                if (key.Length > 253 || !ConfigKey().IsMatch(key))
                {
                    v.Error($"{field}.{key}", $"a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name', or 'KEY_NAME', or 'key-name'), regex used for validation is '[-._a-zA-Z0-9]+'");
                }

                if (!seen.Add(key) && !(o.Kind == "Secret" && field == "stringData"))
                {
                    v.Error($"{field}.{key}", $"duplicate of key {key} present in {first}");
                }

                size += key.Length + (((string?)value)?.Length ?? 0);
            }
        }

        if (size > 1024 * 1024)
        {
            v.Error(first, $"Too long: must have at most 1048576 bytes ({size} here)");
        }
    }

    // kube-apiserver's ValidateSecret for kubernetes.io/tls: both keys present (their content is
    // not its concern; the controllers say on the Ingress when it is no PEM). stringData counts:
    // the API server merges it into data before it validates.
    private static void TlsSecretKeys(Checker v, KubeObject o)
    {
        if ((string?)o.Json["type"] != TlsSecret.Type)
        {
            return;
        }

        foreach (string key in new[] { TlsSecret.CertificateKey, TlsSecret.PrivateKeyKey })
        {
            if (o.Json["data"]?[key] == null && o.Json["stringData"]?[key] == null)
            {
                v.Error($"data[{key}]", "Required value", o.Json["data"] != null ? "data" : "type");
            }
        }
    }

    [GeneratedRegex("^[-._a-zA-Z0-9]+$")]
    private static partial Regex ConfigKey();

    private static void Deployment(Checker v, KubeObject o)
    {
        JsonObject? spec = o.Spec;
        if (spec == null)
        {
            v.Error("spec", "required");
            return;
        }

        if (spec["replicas"] is JsonNode replicas && (replicas.GetValueKind() != JsonValueKind.Number || (long)replicas < 0))
        {
            v.Error("spec.replicas", "must be a whole number, 0 or more");
        }

        var matchLabels = spec["selector"]?["matchLabels"] as JsonObject;
        if (matchLabels == null || matchLabels.Count == 0)
        {
            v.Error("spec.selector.matchLabels", "required: the labels that pick this deployment's pods");
        }

        var templateLabels = spec["template"]?["metadata"]?["labels"] as JsonObject;
        if (matchLabels != null && matchLabels.Any(l => (string?)templateLabels?[l.Key] != (string?)l.Value))
        {
            v.Error("spec.template.metadata.labels", "must include every label of spec.selector.matchLabels, or the deployment would not own its pods");
        }

        if (spec["strategy"]?["rollingUpdate"] is JsonObject rolling)
        {
            foreach (string field in new[] { "maxSurge", "maxUnavailable" })
            {
                if (rolling[field] is JsonNode n && !IsIntOrPercent(n))
                {
                    v.Error($"spec.strategy.rollingUpdate.{field}", "must be a number or a percentage like \"25%\"");
                }
            }
        }

        PodSpec(v, spec["template"]?["spec"] as JsonObject, "spec.template.spec");
    }

    private static void PodSpec(Checker v, JsonObject? spec, string at)
    {
        if (spec == null)
        {
            v.Error(at, "required");
            return;
        }

        if (spec["containers"] is not JsonArray containers || containers.Count == 0)
        {
            v.Error(at + ".containers", "required: one container with an image");
            return;
        }

        if (containers.Count > Dataplane.Mgmt.PodCodec.MaxContainers)
        {
            v.Error(at + ".containers", $"{containers.Count} containers: a board runs at most {Dataplane.Mgmt.PodCodec.MaxContainers} in a pod (boards are small); split them into pods behind a Service");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < containers.Count; i++)
        {
            string c = $"{at}.containers[{i}]";
            if (containers[i]?["name"] is null)
            {
                v.Error(c + ".name", "required");
            }
            else if (!names.Add((string?)containers[i]?["name"] ?? ""))
            {
                v.Error(c + ".name", $"Duplicate value: \"{(string?)containers[i]?["name"]}\"");
            }

            if (containers[i]?["image"] is null)
            {
                v.Error(c + ".image", "required (whoami, hello, echo, counter, toolbox or stress)");
            }

            if (containers[i]?["command"] is JsonArray { Count: > 0 } command
                && ContainerEnvironment.ProgramName((string?)command[0]) is string program
                && program != Dataplane.Workloads.WorkloadCatalog.ShortName((string?)containers[i]?["image"]) && Dataplane.Workloads.WorkloadCatalog.ShortName((string?)containers[i]?["image"]) != "toolbox")
            {
                v.Warning(c + ".command", $"ignored: the built-in image runs its own program, not {program} (its args are read as its flags)");
            }
        }

        ContainerResources(v, spec, at);
        ContainerEnv(v, spec, at);
        ContainerProbes(v, spec, at);

        if (spec["hostNetwork"] is JsonNode host && host.GetValueKind() == JsonValueKind.True)
        {
            v.Error(at + ".hostNetwork", "not supported: every Edge pod has its own sandbox; use a NodePort or LoadBalancer Service to reach the board's address");
        }

        if (spec["initContainers"] is JsonArray { Count: > 0 })
        {
            v.Error(at + ".initContainers", "not supported: Edge boards run a pod's containers side by side, not init containers before them");
        }

        if (spec["volumes"] is JsonArray { Count: > 0 })
        {
            v.Warning(at + ".volumes", "ignored: boards have no storage to mount");
        }
    }

    private static void Service(Checker v, JsonObject? spec)
    {
        if (spec == null)
        {
            v.Error("spec", "required");
            return;
        }

        string type = (string?)spec["type"] ?? "ClusterIP";
        if (type is not ("ClusterIP" or "NodePort" or "LoadBalancer" or "ExternalName"))
        {
            v.Error("spec.type", $"\"{type}\" is not a Service type: ClusterIP, NodePort, LoadBalancer or ExternalName");
            return;
        }

        if (type == "ExternalName")
        {
            if (spec["externalName"] is null)
            {
                v.Error("spec.externalName", "required for type ExternalName: the DNS name to alias");
            }

            return;
        }

        string? clusterIp = (string?)spec["clusterIP"];
        if (clusterIp != null && clusterIp != "None" && clusterIp != "" && !System.Net.IPAddress.TryParse(clusterIp, out _))
        {
            v.Error("spec.clusterIP", $"\"{clusterIp}\" is not an IPv4 address or \"None\"");
        }

        if (spec["ports"] is not JsonArray ports || ports.Count == 0)
        {
            if (clusterIp != "None")
            {
                v.Error("spec.ports", "required: at least one port (only headless services may have none)");
            }

            return;
        }

        var names = new HashSet<string>();
        for (int i = 0; i < ports.Count; i++)
        {
            string p = $"spec.ports[{i}]";
            JsonNode? port = ports[i];
            if (!InRange(port?["port"], 1, 65535))
            {
                v.Error(p + ".port", "required, 1-65535");
            }

            string protocol = (string?)port?["protocol"] ?? "TCP";
            if (protocol is not ("TCP" or "UDP"))
            {
                v.Error(p + ".protocol", $"{protocol} is not supported on Edge: TCP or UDP");
            }

            string? name = (string?)port?["name"];
            if (ports.Count > 1 && string.IsNullOrEmpty(name))
            {
                v.Error(p + ".name", "required when a service has more than one port");
            }
            else if (name != null && !names.Add(name))
            {
                v.Error(p + ".name", $"\"{name}\" is used by another port");
            }

            if (port?["nodePort"] is JsonNode nodePort)
            {
                if (type is not ("NodePort" or "LoadBalancer"))
                {
                    v.Error(p + ".nodePort", "only NodePort and LoadBalancer services have node ports");
                }
                else if (!InRange(nodePort, 30000, 32767))
                {
                    v.Error(p + ".nodePort", "must be in the node port range 30000-32767");
                }
            }

            if (port?["targetPort"] is JsonNode target && !InRange(target, 1, 65535) && target.GetValueKind() != JsonValueKind.String)
            {
                v.Error(p + ".targetPort", "a port number 1-65535 or a container port name");
            }
        }

        string affinity = (string?)spec["sessionAffinity"] ?? "None";
        if (affinity is not ("None" or "ClientIP"))
        {
            v.Error("spec.sessionAffinity", "None or ClientIP");
        }

        foreach (string policy in new[] { "externalTrafficPolicy", "internalTrafficPolicy" })
        {
            if ((string?)spec[policy] is string value && value is not ("Cluster" or "Local"))
            {
                v.Error("spec." + policy, "Cluster or Local");
            }
        }
    }

    /// <summary>Kubernetes' NetworkPolicy validation (pkg/apis/networking/validation), with what to write instead.</summary>
    private static void NetworkPolicy(Checker v, JsonObject? spec)
    {
        if (spec == null)
        {
            v.Error("spec", "required: at least podSelector: {} (every pod of the namespace)");
            return;
        }

        Selector(v, spec["podSelector"], "spec.podSelector");
        bool ingressType = true, egressType = spec["egress"] is JsonArray { Count: > 0 };
        if (spec["policyTypes"] is JsonArray { Count: > 0 } types)
        {
            ingressType = egressType = false;
            if (types.Count > 2)
            {
                v.Error("spec.policyTypes", "may not specify more than two policyTypes: list Ingress, Egress or both");
            }

            for (int i = 0; i < types.Count; i++)
            {
                string? type = Text(types[i]);
                ingressType |= type == "Ingress";
                egressType |= type == "Egress";
                if (type is not ("Ingress" or "Egress"))
                {
                    v.Error($"spec.policyTypes[{i}]", $"Unsupported value: \"{type ?? types[i]?.ToJsonString()}\": supported values: \"Ingress\", \"Egress\"");
                }
            }
        }
        else if (spec["policyTypes"] is JsonNode other && other is not JsonArray)
        {
            v.Error("spec.policyTypes", "must be a list: [Ingress], [Egress] or [Ingress, Egress]");
        }

        foreach (var (field, peers, wrong, listed) in new[] { ("ingress", "from", "to", ingressType), ("egress", "to", "from", egressType) })
        {
            if (spec[field] is not JsonArray rules)
            {
                continue;
            }

            if (!listed && rules.Count > 0)
            {
                v.Warning("spec." + field, $"ignored: spec.policyTypes does not list {(field == "ingress" ? "Ingress" : "Egress")}, so these rules never apply; add it to policyTypes or remove the rules");
            }

            for (int i = 0; i < rules.Count; i++)
            {
                string at = $"spec.{field}[{i}]";
                if (rules[i] is not (null or JsonObject))
                {
                    v.Error(at, $"must be a rule: {{}} for everything, or {peers} and/or ports");
                    continue;
                }

                if (Field(rules[i], wrong) is not null)
                {
                    string open = Field(rules[i], peers) == null ? $"; as written, with no `{peers}`, this rule allows every peer" : "";
                    v.Error($"{at}.{wrong}", $"not a field of an {field} rule: {field} rules name their peers in `{peers}`{open}");
                }

                if (Field(rules[i], peers) is JsonArray peerList)
                {
                    for (int j = 0; j < peerList.Count; j++)
                    {
                        Peer(v, peerList[j], $"{at}.{peers}[{j}]");
                    }
                }

                if (Field(rules[i], "ports") is JsonArray ports)
                {
                    for (int j = 0; j < ports.Count; j++)
                    {
                        PolicyPort(v, ports[j], $"{at}.ports[{j}]");
                    }
                }
            }
        }
    }

    private static void Peer(Checker v, JsonNode? peer, string at)
    {
        JsonNode? ipBlock = Field(peer, "ipBlock"), pods = Field(peer, "podSelector"), namespaces = Field(peer, "namespaceSelector");
        if (ipBlock == null && pods == null && namespaces == null)
        {
            v.Error(at, "must specify a peer: podSelector, namespaceSelector (or both, for the pods they both match), or ipBlock");
            return;
        }

        if (ipBlock != null && (pods != null || namespaces != null))
        {
            v.Error(at, "may not specify both ipBlock and another peer: make them two entries of the list (either one then allows)");
        }

        Selector(v, pods, at + ".podSelector");
        Selector(v, namespaces, at + ".namespaceSelector");
        if (ipBlock == null)
        {
            return;
        }

        string? cidr = Text(Field(ipBlock, "cidr"));
        if (string.IsNullOrEmpty(cidr))
        {
            v.Error(at + ".ipBlock.cidr", "required: a network such as 192.168.1.0/24 (0.0.0.0/0 for everywhere)");
            return;
        }

        if (cidr.Contains(':'))
        {
            v.Warning(at + ".ipBlock.cidr", $"{cidr} is IPv6: Edge pods talk IPv4 only, so this block never matches");
            return;
        }

        if (!TryCidr(v, cidr, at + ".ipBlock.cidr", out uint network, out int prefix))
        {
            return;
        }

        JsonArray excepts = Field(ipBlock, "except") as JsonArray ?? [];
        for (int i = 0; i < excepts.Count; i++)
        {
            string field = $"{at}.ipBlock.except[{i}]";
            string text = Text(excepts[i]) ?? "";
            if (TryCidr(v, text, field, out uint exceptNetwork, out int exceptPrefix)
                && (exceptPrefix <= prefix || !Ipv4Address.InPrefix(exceptNetwork, network, prefix)))
            {
                v.Error(field, $"Invalid value: \"{text}\": must be a strict subset of `cidr` ({cidr}): a smaller network inside it");
            }
        }
    }

    private static bool TryCidr(Checker v, string text, string field, out uint network, out int prefix)
    {
        if (Ipv4Address.TryParseCidr(text, out network, out prefix))
        {
            return true;
        }

        int slash = text.IndexOf('/');
        if (slash > 0 && Ipv4Address.TryParse(text[..slash], out uint address)
            && int.TryParse(text[(slash + 1)..], out int length) && length is >= 0 and <= 32)
        {
            uint masked = address & Ipv4Address.MaskOf(length);
            v.Error(field, $"Invalid value: \"{text}\": must not have bits set beyond the prefix length: write {Ipv4Address.FormatCidr(masked, length)}");
        }
        else
        {
            v.Error(field, $"Invalid value: \"{text}\": must be a valid CIDR value, such as 10.0.0.0/8 or 192.168.1.0/24");
        }

        return false;
    }

    private static void PolicyPort(Checker v, JsonNode? entry, string at)
    {
        if (entry is not JsonObject)
        {
            v.Error(at, "must be a port entry such as {port: 80, protocol: TCP}");
            return;
        }

        JsonNode? protocol = Field(entry, "protocol"), port = Field(entry, "port"), endPort = Field(entry, "endPort");
        if (protocol != null && Text(protocol) is not ("TCP" or "UDP" or "SCTP"))
        {
            v.Error(at + ".protocol", $"Unsupported value: {protocol.ToJsonString()}: supported values: \"TCP\", \"UDP\", \"SCTP\" (to allow every protocol, ICMP too, leave `ports` out of the rule)");
        }

        string end = endPort?.ToJsonString() ?? "";
        if (port == null)
        {
            if (endPort != null)
            {
                v.Error(at + ".endPort", $"Invalid value: {end}: may not be specified when `port` is not specified: give the range's first port in `port`");
            }

            return;
        }

        if (Text(port) is string name)
        {
            if (endPort != null)
            {
                v.Error(at + ".endPort", $"Invalid value: {end}: may not be specified when `port` is non-numeric: a range needs a port number in `port`");
            }

            if (!PortName().IsMatch(name) || name.Length > 15 || name.Contains("--") || !name.Any(char.IsAsciiLetterLower))
            {
                v.Error(at + ".port", $"Invalid value: \"{name}\": must be a port number 1-65535 (unquoted) or a container port's name (at most 15 lower-case letters, digits and '-', with a letter)");
            }

            return;
        }

        if (!InRange(port, 1, 65535))
        {
            v.Error(at + ".port", $"Invalid value: {port.ToJsonString()}: must be between 1 and 65535, inclusive");
            return;
        }

        if (endPort != null)
        {
            if (!InRange(endPort, 1, 65535))
            {
                v.Error(at + ".endPort", $"Invalid value: {end}: must be between 1 and 65535, inclusive");
            }
            else if ((long)endPort < (long)port)
            {
                v.Error(at + ".endPort", $"Invalid value: {end}: must be greater than or equal to port ({(long)port}): the range is port..endPort; make endPort {(long)port} or more, or leave it out for port {(long)port} alone");
            }
        }
    }

    /// <summary>A label selector (matchLabels, matchExpressions) as Kubernetes checks it.</summary>
    private static void Selector(Checker v, JsonNode? selector, string at)
    {
        if (selector == null)
        {
            return;
        }

        if (selector is not JsonObject obj)
        {
            v.Error(at, "must be a selector: {} for everything, or matchLabels and/or matchExpressions");
            return;
        }

        if (obj["matchLabels"] is JsonNode labels && labels is not JsonObject)
        {
            v.Error(at + ".matchLabels", "must be a map of label: value");
        }

        foreach (var (key, value) in obj["matchLabels"] as JsonObject ?? [])
        {
            if (!LabelKey().IsMatch(key) || Text(value) is not string text || text.Length > 63 || (text.Length > 0 && !LabelValue().IsMatch(text)))
            {
                v.Error($"{at}.matchLabels.{key}", $"\"{key}: {value?.ToJsonString()}\" is not a valid label (quote values that look like numbers or booleans)");
            }
        }

        JsonArray expressions = obj["matchExpressions"] as JsonArray ?? [];
        for (int i = 0; i < expressions.Count; i++)
        {
            string e = $"{at}.matchExpressions[{i}]";
            string? op = Text(Field(expressions[i], "operator"));
            int values = (Field(expressions[i], "values") as JsonArray)?.Count ?? 0;
            if (string.IsNullOrEmpty(Text(Field(expressions[i], "key"))))
            {
                v.Error(e + ".key", "required: the label the expression tests");
            }

            if (op is not ("In" or "NotIn" or "Exists" or "DoesNotExist"))
            {
                v.Error(e + ".operator", $"Unsupported value: \"{op}\": use In, NotIn, Exists or DoesNotExist");
            }
            else if (op is "In" or "NotIn" && values == 0)
            {
                v.Error(e + ".values", $"must be specified when `operator` is '{op}': list the label values");
            }
            else if (op is "Exists" or "DoesNotExist" && values > 0)
            {
                v.Error(e + ".values", $"may not be specified when `operator` is '{op}': remove the values");
            }
        }
    }

    private static JsonNode? Field(JsonNode? node, string name) => (node as JsonObject)?[name];

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue(out string? text) ? text : null;

    private static bool InRange(JsonNode? node, long low, long high) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && (long)node >= low && (long)node <= high;

    private static bool IsIntOrPercent(JsonNode node) =>
        node.GetValueKind() == JsonValueKind.Number || ((string?)node is string s && Percent().IsMatch(s));

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex Dns1123Label();

    [GeneratedRegex("^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Dns1123Subdomain();

    [GeneratedRegex("^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")]
    private static partial Regex LabelKey();

    [GeneratedRegex("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")]
    private static partial Regex LabelValue();

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")]
    private static partial Regex PortName();

    [GeneratedRegex("^[0-9]+%$")]
    private static partial Regex Percent();

    private sealed class Checker(ManifestDocument doc)
    {
        public List<ManifestProblem> Problems { get; } = [];

        public void Error(string field, string message) => Error(field, message, field);

        /// <summary>An error named as the API server names it (<paramref name="field"/>), found in the manifest at another path.</summary>
        public void Error(string field, string message, string lineOf) =>
            Problems.Add(new ManifestProblem(doc.Source, doc.LineOf(lineOf), doc.Object.Name.Length > 0 ? doc.Object.Reference : doc.Object.Kind.ToLowerInvariant(), field, message));

        public void Warning(string field, string message) => Warning(field, message, field);

        /// <summary>A warning named by <paramref name="field"/>, found in the manifest at another path.</summary>
        public void Warning(string field, string message, string lineOf) =>
            Problems.Add(new ManifestProblem(doc.Source, doc.LineOf(lineOf), doc.Object.Reference, field, message, IsWarning: true));
    }
}
