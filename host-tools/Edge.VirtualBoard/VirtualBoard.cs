using Edge.Dataplane.Net;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Worker;
using Edge.Dataplane.Workloads;
using Edge.VirtualBoard.Config;
using Edge.VirtualBoard.Platform;

namespace Edge.VirtualBoard;

/// <summary>
/// One virtual board: the dataplane's <see cref="Node"/> with its Platform over a real UDP
/// socket, its static pods and their workloads. <see cref="PollOnce"/> is one turn of the
/// board's main loop; <see cref="Run"/> loops until cancelled. Single-threaded, like a board:
/// only the thread running the loop touches the node.
/// </summary>
public sealed class VirtualBoard : IDisposable
{
    private readonly UdpDatagramPort _port;
    private readonly OsHostSockets _hostSockets;
    private readonly List<RunningPod> _pods = [];

    public VirtualBoard(BoardConfig config, string source, TextWriter? log = null)
    {
        Log = log ?? TextWriter.Null;
        NodeConfig nodeConfig = BoardConfigLoader.ToNodeConfig(config, source);
        _port = new UdpDatagramPort(nodeConfig.Address, nodeConfig.VxlanPort);
        _hostSockets = new OsHostSockets(nodeConfig.Address);
        Node = new Node(nodeConfig, new SystemClock(), new SystemRandom(), _port, _hostSockets);
        Log.WriteLine($"{nodeConfig.Name}: listening for VXLAN (VNI {nodeConfig.Vni}) on {Ipv4Address.Format(nodeConfig.Address)}:{nodeConfig.VxlanPort}, " +
            $"pod CIDR {Ipv4Address.FormatCidr(nodeConfig.PodNetwork, nodeConfig.PodPrefixLength)}, gateway {Ipv4Address.Format(nodeConfig.GatewayAddress)}");

        foreach (PeerConfig peer in config.Peers)
        {
            Ipv4Address.TryParse(peer.Address, out uint address);
            Ipv4Address.TryParseCidr(peer.PodCidr, out uint network, out int prefix);
            if (!Node.AddPeer(network, prefix, address, (ushort)peer.Port))
            {
                throw new BoardException($"{source}: more peers than the route table holds (capacity.routes = {nodeConfig.Routes})");
            }

            Log.WriteLine($"{nodeConfig.Name}: route {peer.PodCidr} via {peer.Name ?? "peer"} at {peer.Address}:{peer.Port}");
        }

        foreach (PodConfig pod in config.Pods)
        {
            StartPod(pod, source);
        }

        Log.WriteLine(Node.Dns.ListeningOnBoard
            ? $"{nodeConfig.Name}: cluster DNS ({nodeConfig.ClusterDomain}) on {Ipv4Address.Format(nodeConfig.DnsAddress)} in the pod network and {Ipv4Address.Format(nodeConfig.Address)}:53"
            : $"{nodeConfig.Name}: cluster DNS on {Ipv4Address.Format(nodeConfig.DnsAddress)} in the pod network; {Ipv4Address.Format(nodeConfig.Address)}:53 is taken, so not there");
    }

    public Node Node { get; }
    public TextWriter Log { get; }
    public IReadOnlyList<RunningPod> Pods => _pods;

    public RunningPod Pod(string name) => _pods.Single(p => p.Sandbox.Name == name);

    /// <summary>
    /// Mirrors "overlay" or a pod's port (by pod name) into a pcap stream; returns false for an
    /// unknown point.
    /// </summary>
    public bool Capture(string point, IByteSink sink)
    {
        if (point == "overlay")
        {
            Node.Overlay.Tap = new PacketTap(PacketTap.OverlayPoint, sink);
            return true;
        }

        RunningPod? pod = _pods.FirstOrDefault(p => p.Sandbox.Name == point);
        if (pod == null)
        {
            return false;
        }

        Node.Bridge.Tap = new PacketTap(PacketTap.BridgePortPoint(pod.Sandbox.Interface.Port), sink);
        return true;
    }

    /// <summary>One turn of the main loop: network, then workloads. Returns the frames handled.</summary>
    public int PollOnce()
    {
        _port.KnownReadable = _hostSockets.Refresh(_port.Socket);
        int work = Node.Poll();
        long now = Node.Context.Now;
        foreach (RunningPod pod in _pods)
        {
            pod.Workload?.Poll(now);
        }

        return work;
    }

    /// <summary>Waits (at most the given time) for something to read on any of the board's sockets, so an idle board does not spin.</summary>
    public void WaitForWork(int microseconds) => _hostSockets.WaitForData(_port.Socket, microseconds);

    public void Run(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            if (PollOnce() == 0)
            {
                WaitForWork(1000);
            }
        }
    }

    public void Dispose()
    {
        foreach (RunningPod pod in _pods)
        {
            pod.Workload?.Stop();
        }

        _port.Dispose();
        _hostSockets.Dispose();
    }

    private void StartPod(PodConfig config, string source)
    {
        uint ip = 0;
        if (config.Ip != null)
        {
            Ipv4Address.TryParse(config.Ip, out ip);
        }

        PodSandbox? sandbox = Node.AddPod(config.Namespace, config.Name!, ip);
        if (sandbox == null)
        {
            throw new BoardException($"{source}: pod {config.Namespace}/{config.Name}: no room on the board or address {config.Ip} taken");
        }

        Node.DnsZone.SetPod(sandbox.Address, config.Namespace);
        IWorkload? workload = WorkloadCatalog.Create(config.Image!, sandbox, Node.Config.Name);
        _pods.Add(new RunningPod(sandbox, workload, config.Image!));
        Log.WriteLine($"{Node.Config.Name}: pod {config.Namespace}/{config.Name} ({config.Image}) at {Ipv4Address.Format(sandbox.Address)}, mac {MacAddress.Format(sandbox.Mac)}");
    }
}

/// <summary>A pod on a virtual board: its sandbox and the workload of its image.</summary>
public sealed record RunningPod(PodSandbox Sandbox, IWorkload? Workload, string Image);
