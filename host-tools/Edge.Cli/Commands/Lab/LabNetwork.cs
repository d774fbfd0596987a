using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Edge.Dataplane.Wire;
using Edge.Host.Lab;

namespace Edge.Cli.Commands.Lab;

/// <summary>
/// A lab's bridge layout (Linux, root): every virtual board in its own network namespace with an
/// `eth0` on the lab's Linux bridge, like boards on a switch, and this host on the bridge itself,
/// so the host's kernel vxlan (`overlay join`) reaches the boards' UDP 4789 as it would a LAN's.
/// Addresses come from one /24 of 198.19.0.0/16, the upper half of RFC 2544's benchmarking
/// range (no real network uses it; the lower half, 198.18/16, is left to hand-made setups and
/// test fixtures): boards .1-.32, joined namespaces .101-.199, this host .254.
/// Saved as network.json beside lab.json, so `lab up` brings the same addresses back (the nodes
/// keep them) and `lab down` knows what to remove, also after a crash. `lab down --purge` forgets it.
/// </summary>
public sealed class LabNetwork
{
    public const int HostOctet = 254;
    public const int FirstJoinOctet = 101;
    public const int MaxJoins = 99;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string Lab { get; set; } = "lab";

    /// <summary>The lab's /24, e.g. 198.19.1.0/24.</summary>
    public string Subnet { get; set; } = "";

    /// <summary>What `overlay join` made on this lab, so `overlay leave` and `lab down` take it back.</summary>
    public List<LabNetworkJoin> Joined { get; set; } = [];

    /// <summary>The lab name as it fits in interface names (15 characters at most): itself when short, else a hash.</summary>
    [JsonIgnore]
    public string Tag => TagFor(Lab);

    [JsonIgnore]
    public string Bridge => "edge-" + Tag;

    [JsonIgnore]
    public string HostAddress => Octet(HostOctet);

    /// <summary>The namespaces of this lab's boards are named edge-TAG-node-N.</summary>
    [JsonIgnore]
    public string BoardNamespacePrefix => $"edge-{Tag}-node-";

    public string BoardNamespace(int n) => BoardNamespacePrefix + n;

    /// <summary>The bridge's side of node-N's veth (its other side is `eth0` in the board's namespace).</summary>
    public string BoardPort(int n) => $"edge-{Tag}-{n}";

    public string BoardAddress(int n) => Octet(n);

    /// <summary>The bridge's side of the K-th joined namespace's veth (its other side, in that namespace, is named as the bridge).</summary>
    public string JoinPort(int k) => $"edge-{Tag}-j{k}";

    public string JoinAddress(int k) => Octet(FirstJoinOctet + k - 1);

    /// <summary>Whether an address is in this lab's /24 (a node's InternalIP tells which lab a control plane runs).</summary>
    public bool Contains(string address) =>
        Ipv4Address.TryParse(address, out uint a) && Ipv4Address.TryParseCidr(Subnet, out uint network, out int prefix) && Ipv4Address.InPrefix(a, network, prefix);

    private string Octet(int last)
    {
        if (!Ipv4Address.TryParseCidr(Subnet, out uint network, out _))
        {
            throw new CliException($"{PathFor(Lab)}: \"{Subnet}\" is not a subnet; `edgectl lab down --purge --lab {Lab}` starts the lab over");
        }

        return Ipv4Address.Format(network + (uint)last);
    }

    /// <summary>
    /// A lab name as short as an interface name allows beside "edge-" and "-j99": up to 6 letters
    /// and digits stay as they are (edge-lab, edge-lab-1); anything else becomes "h" and 5 hex
    /// digits of its SHA-256, the same on every run.
    /// </summary>
    public static string TagFor(string lab)
    {
        if (Regex.IsMatch(lab, "^[A-Za-z0-9]{1,6}$"))
        {
            return lab;
        }

        return "h" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(lab)))[..5];
    }

    public static string PathFor(string lab) => Path.Combine(LabState.DirectoryFor(lab), "network.json");

    public static LabNetwork? Load(string lab)
    {
        string path = PathFor(lab);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<LabNetwork>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new CliException($"{path} is damaged ({e.Message}); `edgectl lab down --purge --lab {lab}` starts the lab over");
        }
    }

    /// <summary>The subnets other labs kept under this EDGE_HOME (down but not purged: they come back on them).</summary>
    public static IEnumerable<string> SubnetsOfOtherLabs(string lab)
    {
        string labs = Path.GetDirectoryName(LabState.DirectoryFor(lab))!;
        if (!Directory.Exists(labs))
        {
            yield break;
        }

        foreach (string dir in Directory.EnumerateDirectories(labs))
        {
            string other = Path.GetFileName(dir);
            LabNetwork? network = other == lab ? null : TryLoad(other);
            if (network != null)
            {
                yield return network.Subnet;
            }
        }
    }

    private static LabNetwork? TryLoad(string lab)
    {
        try
        {
            return Load(lab);
        }
        catch (CliException)
        {
            return null; // another lab's damaged file is that lab's problem
        }
    }

    public void Save()
    {
        Directory.CreateDirectory(LabState.DirectoryFor(Lab));
        string path = PathFor(Lab);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(this, Json));
        File.Move(path + ".tmp", path, overwrite: true);
    }
}

/// <summary>One `overlay join` on a bridged lab: the vxlan device it made, where, and (for a namespace) the veth into the bridge.</summary>
public sealed class LabNetworkJoin
{
    /// <summary>The namespace that joined; null for this host.</summary>
    public string? Netns { get; set; }

    public string Device { get; set; } = "edge0";

    /// <summary>The OverlayPeer it registered.</summary>
    public string Peer { get; set; } = "";

    /// <summary>K of the namespace's link into the bridge (edge-TAG-jK, address .100+K); null for this host, which is on the bridge already.</summary>
    public int? Link { get; set; }
}
