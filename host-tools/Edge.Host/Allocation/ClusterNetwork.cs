using Edge.Dataplane.Wire;

namespace Edge.Host.Allocation;

/// <summary>
/// The cluster's address plan and the allocators that carve it up: service cluster IPs
/// (10.96.0.0/16; .1 for the API's `kubernetes` service and .10 for cluster DNS, as kubeadm
/// reserves them), node ports (30000-32767) and a /24 pod CIDR per node from 10.244.0.0/16.
/// </summary>
/// <remarks>
/// Nothing here is persisted: the store is the truth. On start the control plane replays what
/// the stored services and nodes already hold (MarkServiceIp, MarkNodePort, MarkPodCidr).
/// </remarks>
public sealed class ClusterNetwork
{
    private readonly RangeAllocator _serviceIps;
    private readonly RangeAllocator _nodePorts;
    private readonly RangeAllocator _podCidrs;

    public ClusterNetwork(string serviceCidr = "10.96.0.0/16", string podCidr = "10.244.0.0/16", int nodePortFirst = 30000, int nodePortLast = 32767)
    {
        (ServiceNetwork, ServicePrefix) = ParseCidr(serviceCidr, "--service-cidr");
        (PodNetwork, PodPrefix) = ParseCidr(podCidr, "--pod-cidr");
        if (ServicePrefix is < 8 or > 28)
        {
            throw new AllocationException("--service-cidr", $"{serviceCidr}: use a prefix from /8 to /28");
        }

        if (PodPrefix is < 8 or > 24)
        {
            throw new AllocationException("--pod-cidr", $"{podCidr}: use a prefix from /8 to /24 (each node gets a /24)");
        }

        uint serviceSize = 1u << (32 - ServicePrefix);
        _serviceIps = new RangeAllocator(ServiceNetwork + 1, ServiceNetwork + serviceSize - 2);
        ApiServiceIp = ServiceNetwork + 1;
        DnsServiceIp = ServiceNetwork + 10;
        _serviceIps.TryTake(ApiServiceIp);
        _serviceIps.TryTake(DnsServiceIp);
        _nodePorts = new RangeAllocator(nodePortFirst, nodePortLast);

        // Node n gets 10.244.n.0/24, starting at 1 so the first board's pods are 10.244.1.x.
        _podCidrs = new RangeAllocator(0, (1 << (24 - PodPrefix)) - 1);
        _podCidrs.TryTakeNext(out _);
        _podCidrs.Release(0);
    }

    public uint ServiceNetwork { get; }
    public int ServicePrefix { get; }
    public uint PodNetwork { get; }
    public int PodPrefix { get; }
    public uint ApiServiceIp { get; }

    /// <summary>The cluster DNS service's VIP (10.96.0.10), what every pod's resolv.conf names.</summary>
    public uint DnsServiceIp { get; }

    public string ServiceCidr => Ipv4Address.FormatCidr(ServiceNetwork, ServicePrefix);
    public string PodCidr => Ipv4Address.FormatCidr(PodNetwork, PodPrefix);
    public int FreeServiceIps => _serviceIps.Free;
    public int FreeNodePorts => _nodePorts.Free;
    public int FreePodCidrs => _podCidrs.Free;

    /// <summary>A cluster IP for a service: the one its manifest asks for, or the next free one.</summary>
    public uint AllocateServiceIp(string? requested)
    {
        if (requested is null or "")
        {
            return _serviceIps.TryTakeNext(out long next)
                ? (uint)next
                : throw new AllocationException("spec.clusterIP", $"no free cluster IPs left in {ServiceCidr}: delete a service or start the lab with a wider --service-cidr");
        }

        if (!Ipv4Address.TryParse(requested, out uint ip))
        {
            throw new AllocationException("spec.clusterIP", $"\"{requested}\" is not an IPv4 address; leave it out to get one, or use \"None\" for a headless service");
        }

        if (!_serviceIps.Contains(ip) && ip != DnsServiceIp)
        {
            throw new AllocationException("spec.clusterIP", $"{requested} is not in the service range {ServiceCidr}");
        }

        return _serviceIps.TryTake(ip)
            ? ip
            : throw new AllocationException("spec.clusterIP", $"{requested} is already allocated{(ip == DnsServiceIp ? " (it is the cluster DNS address)" : ip == ApiServiceIp ? " (it is the kubernetes service)" : "")}; leave clusterIP out to get a free one");
    }

    /// <summary>Claims a cluster IP a stored service already holds (replayed on start); the reserved two stay reserved.</summary>
    public void MarkServiceIp(uint ip)
    {
        if (ip != DnsServiceIp && ip != ApiServiceIp)
        {
            _serviceIps.TryTake(ip);
        }
    }

    public void ReleaseServiceIp(uint ip)
    {
        if (ip != DnsServiceIp && ip != ApiServiceIp)
        {
            _serviceIps.Release(ip);
        }
    }

    /// <summary>A node port: the one asked for (spec.ports[i].nodePort), or the next free one.</summary>
    public int AllocateNodePort(int? requested, string field)
    {
        if (requested == null)
        {
            return _nodePorts.TryTakeNext(out long next)
                ? (int)next
                : throw new AllocationException(field, $"all node ports {_nodePorts.First}-{_nodePorts.Last} are taken: delete a NodePort service");
        }

        if (!_nodePorts.Contains(requested.Value))
        {
            throw new AllocationException(field, $"{requested} is not in the node port range {_nodePorts.First}-{_nodePorts.Last}");
        }

        return _nodePorts.TryTake(requested.Value)
            ? requested.Value
            : throw new AllocationException(field, $"{requested} is already allocated to another service; leave nodePort out to get a free one");
    }

    public void MarkNodePort(int port) => _nodePorts.TryTake(port);

    public void ReleaseNodePort(int port) => _nodePorts.Release(port);

    /// <summary>The next free /24 for a joining node, as "10.244.3.0/24".</summary>
    public string AllocatePodCidr()
    {
        if (!_podCidrs.TryTakeNext(out long index))
        {
            throw new AllocationException("spec.podCIDR", $"every /24 of {PodCidr} is taken: remove a node or start the lab with a wider --pod-cidr");
        }

        return FormatPodCidr((int)index);
    }

    /// <summary>Claims a node's existing pod CIDR; false if it is not one of this cluster's /24s or another node has it.</summary>
    public bool MarkPodCidr(string cidr) => TryPodCidrIndex(cidr, out int index) && _podCidrs.TryTake(index);

    public void ReleasePodCidr(string cidr)
    {
        if (TryPodCidrIndex(cidr, out int index))
        {
            _podCidrs.Release(index);
        }
    }

    private string FormatPodCidr(int index) => Ipv4Address.FormatCidr(PodNetwork + ((uint)index << 8), 24);

    private bool TryPodCidrIndex(string cidr, out int index)
    {
        index = 0;
        if (!Ipv4Address.TryParseCidr(cidr, out uint network, out int prefix) || prefix != 24)
        {
            return false;
        }

        uint offset = network - PodNetwork;
        if (network < PodNetwork || offset >> 8 >= (uint)_podCidrs.Size)
        {
            return false;
        }

        index = (int)(offset >> 8);
        return true;
    }

    private static (uint Network, int Prefix) ParseCidr(string cidr, string option)
    {
        if (Ipv4Address.TryParseCidr(cidr, out uint network, out int prefix))
        {
            return (network, prefix);
        }

        // Refused: say whether it is only the host bits, and what was meant.
        int slash = cidr.IndexOf('/');
        if (slash > 0 && Ipv4Address.TryParse(cidr[..slash], out uint address) && int.TryParse(cidr[(slash + 1)..], out int bits) && bits is >= 0 and <= 32)
        {
            uint mask = bits == 0 ? 0 : uint.MaxValue << (32 - bits);
            throw new AllocationException(option, $"{cidr} has host bits set; did you mean {Ipv4Address.FormatCidr(address & mask, bits)}?");
        }

        throw new AllocationException(option, $"\"{cidr}\" is not a CIDR like 10.96.0.0/16");
    }
}
