using System.Text.Json;
using Edge.Dataplane.Net;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Workloads;

namespace Edge.VirtualBoard.Config;

/// <summary>
/// Reads and checks a board config. Every problem is reported with the file, and the field
/// path or line, in words a user can act on; nothing half-valid boots.
/// </summary>
public static class BoardConfigLoader
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    public static BoardConfig Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BoardException($"cannot read {path}: {e.Message}");
        }

        return Parse(text, path);
    }

    public static BoardConfig Parse(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<BoardConfig>(json, Json) ?? throw new BoardException($"{source}: empty config");
        }
        catch (JsonException e)
        {
            string where = e.LineNumber is long line ? $"{source}:{line + 1}:{e.BytePositionInLine + 1}" : source;
            string what = e.Message.Split(" Path:")[0].Split(". LineNumber")[0];
            throw new BoardException($"{where}: {what}{(e.Path is { Length: > 1 } p ? $" (at {p})" : "")}");
        }
    }

    /// <summary>Checks the config and turns it into the dataplane's node config; throws BoardException listing every problem.</summary>
    public static NodeConfig ToNodeConfig(BoardConfig config, string source)
    {
        var errors = new List<string>();
        var node = new NodeConfig();

        if (string.IsNullOrWhiteSpace(config.Name))
        {
            errors.Add("name: required (the node name, e.g. \"node-1\")");
        }
        else
        {
            node.Name = config.Name;
        }

        node.Address = Address(config.Address, "address", errors);
        node.VxlanPort = Port(config.VxlanPort, "vxlanPort", errors);
        node.AllowEgress = config.AllowEgress;
        if (config.Vni is < 0 or > 0xFFFFFF)
        {
            errors.Add($"vni: {config.Vni} is not a 24-bit VXLAN network identifier (0-16777215)");
        }

        node.Vni = (uint)Math.Clamp(config.Vni, 0, 0xFFFFFF);
        if (Cidr(config.PodCidr, "podCidr", errors, out uint network, out int prefix))
        {
            node.PodNetwork = network;
            node.PodPrefixLength = prefix;
            if (prefix > 30)
            {
                errors.Add($"podCidr: /{prefix} leaves no room for pods; use a /24 like 10.244.1.0/24");
            }
        }

        foreach ((string key, int value) in config.Capacity)
        {
            var field = typeof(NodeConfig).GetField(char.ToUpperInvariant(key[0]) + key[1..]);
            if (field == null || field.FieldType != typeof(int))
            {
                errors.Add($"capacity.{key}: not a capacity; known: {string.Join(", ", typeof(NodeConfig).GetFields().Where(f => f.FieldType == typeof(int)).Select(f => char.ToLowerInvariant(f.Name[0]) + f.Name[1..]))}");
            }
            else if (value <= 0)
            {
                errors.Add($"capacity.{key}: must be positive, not {value}");
            }
            else
            {
                field.SetValue(node, value);
            }
        }

        for (int i = 0; i < config.Peers.Count; i++)
        {
            PeerConfig peer = config.Peers[i];
            string at = $"peers[{i}]";
            Address(peer.Address, at + ".address", errors);
            Port(peer.Port, at + ".port", errors);
            if (Cidr(peer.PodCidr, at + ".podCidr", errors, out uint peerNetwork, out int peerPrefix)
                && node.PodNetwork != 0 && CidrsOverlap(peerNetwork, peerPrefix, node.PodNetwork, node.PodPrefixLength))
            {
                errors.Add($"{at}.podCidr: {peer.PodCidr} overlaps this node's podCidr {config.PodCidr}");
            }
        }

        var names = new HashSet<string>();
        for (int i = 0; i < config.Pods.Count; i++)
        {
            PodConfig pod = config.Pods[i];
            string at = $"pods[{i}]";
            if (string.IsNullOrWhiteSpace(pod.Name))
            {
                errors.Add($"{at}.name: required");
            }
            else if (!names.Add(pod.Namespace + "/" + pod.Name))
            {
                errors.Add($"{at}.name: a pod {pod.Namespace}/{pod.Name} is already defined");
            }

            if (string.IsNullOrWhiteSpace(pod.Image))
            {
                errors.Add($"{at}.image: required (one of: {string.Join(", ", WorkloadCatalog.Images)})");
            }
            else if (Array.IndexOf(WorkloadCatalog.Images, WorkloadCatalog.ShortName(pod.Image)) < 0)
            {
                errors.Add($"{at}.image: {WorkloadCatalog.UnknownImageMessage(pod.Image)}");
            }

            if (pod.Ip != null)
            {
                uint ip = Address(pod.Ip, at + ".ip", errors);
                if (ip != 0 && node.PodNetwork != 0 && !Ipv4Address.InPrefix(ip, node.PodNetwork, node.PodPrefixLength))
                {
                    errors.Add($"{at}.ip: {pod.Ip} is outside podCidr {config.PodCidr}");
                }
                else if (ip != 0 && (ip == node.VtepAddress || ip == node.GatewayAddress))
                {
                    errors.Add($"{at}.ip: {pod.Ip} is reserved (.0 is the node's VTEP, .1 its gateway)");
                }
            }
        }

        if (config.Pods.Count > node.MaxPods)
        {
            errors.Add($"pods: {config.Pods.Count} pods but the board holds {node.MaxPods} (capacity.maxPods)");
        }

        if (errors.Count > 0)
        {
            throw new BoardException($"{source}: {(errors.Count == 1 ? errors[0] : "\n  " + string.Join("\n  ", errors))}");
        }

        return node;
    }

    private static uint Address(string? text, string field, List<string> errors)
    {
        if (text == null)
        {
            errors.Add($"{field}: required (an IPv4 address like 127.0.10.1)");
            return 0;
        }

        if (!Ipv4Address.TryParse(text, out uint address))
        {
            errors.Add($"{field}: \"{text}\" is not an IPv4 address (like 127.0.10.1)");
        }

        return address;
    }

    private static ushort Port(int port, string field, List<string> errors)
    {
        if (port is < 1 or > 65535)
        {
            errors.Add($"{field}: {port} is not a UDP port (1-65535)");
            return 0;
        }

        return (ushort)port;
    }

    private static bool Cidr(string? text, string field, List<string> errors, out uint network, out int prefix)
    {
        network = 0;
        prefix = 0;
        if (text == null)
        {
            errors.Add($"{field}: required (a pod CIDR like 10.244.1.0/24)");
            return false;
        }

        if (!Ipv4Address.TryParseCidr(text, out network, out prefix))
        {
            errors.Add($"{field}: \"{text}\" is not a network in CIDR form (like 10.244.1.0/24, host bits zero)");
            return false;
        }

        return true;
    }

    private static bool CidrsOverlap(uint a, int aPrefix, uint b, int bPrefix)
    {
        int shorter = Math.Min(aPrefix, bPrefix);
        return Ipv4Address.InPrefix(a, b, shorter);
    }
}
