using Edge.Dataplane.Platform;
using System.Net;
using System.Net.Sockets;
using Edge.Dataplane.Agent;
using Edge.Dataplane.Boards;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Net;
using Edge.Dataplane.Wire;
using Edge.VirtualBoard.Platform;

namespace Edge.VirtualBoard;

/// <summary>
/// A virtual board run by a control plane, as a real board is: it knows only its identity
/// (name, address, ports) and waits for the host on its management port; everything else
/// (pod CIDR, peers, pods, services, DNS) comes in snapshots. One host connection at a time:
/// a new one replaces the old when it sends a valid frame (the host reconnected), as on a
/// board (<see cref="ControlPlaneLine"/>).
/// </summary>
public sealed class AgentBoard : IDisposable
{
    public const ushort DefaultMgmtPort = 7900;

    private readonly UdpDatagramPort _port;
    private readonly OsHostSockets _hostSockets;
    private readonly TcpManagementListener? _listener;
    private readonly ControlPlaneLine? _lines;
    private readonly SystemClock _clock = new();
    private readonly ushort _mgmtPort;

    public AgentBoard(string name, uint address, ushort vxlanPort = 4789, ushort mgmtPort = DefaultMgmtPort, TextWriter? log = null, IStorage? storage = null)
    {
        Log = log ?? TextWriter.Null;

        // As a flashed board boots: what it keeps in its storage decides its name, its
        // capacities (a provisioned profile's memory class) and, if static, its address.
        BoardSettings settings = BoardSettings.Load(storage!, out string? problem);
        if (problem != null)
        {
            Log.WriteLine($"{name}: {problem}");
        }

        Plan = BootPlan.From(settings, name, 0);
        name = Plan.Name;
        if (settings.Static)
        {
            address = settings.Address;
        }

        var identity = new NodeConfig { Name = name, Address = address, VxlanPort = vxlanPort };
        if (Plan.MemoryClass > 0)
        {
            MemoryClass.Apply(Plan.MemoryClass, identity);
        }

        _port = new UdpDatagramPort(address, vxlanPort);
        // TLS sessions as the board's memory class gives them (none on a WROOM board; 8 without a class).
        _hostSockets = new OsHostSockets(address, MemoryClass.TlsSessions(Plan.MemoryClass));
        var random = new SystemRandom();
        Agent = new NodeAgent(identity, _clock, random, _port, _hostSockets);
        Session = new BoardSession(Agent, new NodeConfigIdentity
        {
            Name = name, Address = address, VxlanPort = vxlanPort, MaxPods = identity.MaxPods,
            MaxPayload = Plan.MemoryClass > 0 ? MemoryClass.MaxPayload(Plan.MemoryClass) : Frame.MaxPayload,
            MaxOutPayload = Plan.MemoryClass > 0 ? MemoryClass.MaxOutPayload(Plan.MemoryClass) : Frame.MaxPayload,
            TlsSessions = _hostSockets.Sessions,
            PodMemory = MemoryClass.PodMemory(Plan.MemoryClass),
            MaxContainers = identity.MaxContainers,
            MaxProbes = identity.MaxProbes,
        });
        Session.Storage = storage;
        Session.Trust = Plan.StartTrust(storage);
        Session.Cluster = settings.Cluster;
        if (storage != null)
        {
            Log.WriteLine($"{name}: boots as {Plan.Describe()}");
        }

        Log.WriteLine(Session.Trust != null
            ? $"{name}: obeys cluster \"{settings.Cluster}\" (key {Edge.Dataplane.Trust.SessionAuth.Describe(Session.Trust.KeyId)})"
            : $"{name}: has no cluster key: it takes no control plane on the network until provisioned (lab up; or edgectl board provision over its console, or --link ... --claim)");

        _mgmtPort = mgmtPort;
        try
        {
            _listener = new TcpManagementListener(address, mgmtPort);
        }
        catch (BoardException)
        {
            Dispose();
            throw;
        }

        _lines = new ControlPlaneLine(_listener, Session, random);
        Log.WriteLine($"{name}: waiting for the control plane on {Ipv4Address.Format(address)}:{mgmtPort}");
    }

    public NodeAgent Agent { get; }

    /// <summary>What the board booted as (its kept settings applied).</summary>
    public BootPlan Plan { get; }

    /// <summary>The host asked the board to restart into new settings (Run returns; the caller boots a new board).</summary>
    public bool RestartRequested => Session.RestartRequested;
    public BoardSession Session { get; }
    public TextWriter Log { get; }

    /// <summary>Puts the board's session on another line (a serial port, a pseudo-terminal) instead of waiting for TCP.</summary>
    public void AttachLine(IByteStream line)
    {
        Session.Attach(line, _clock.Milliseconds);
        Log.WriteLine("control plane line attached");
    }

    public int PollOnce()
    {
        long refusedBefore = _lines!.Refused + _lines.WrongKey;
        if (_lines.Poll(_clock.Milliseconds))
        {
            Log.WriteLine(Session.Claiming
                ? "a claim opened: the board takes a cluster key over the network, and nothing else until it has one"
                : $"control plane connected (proved cluster \"{Session.Cluster}\"'s key)");
        }

        if (_lines.Refused + _lines.WrongKey != refusedBefore)
        {
            Log.WriteLine($"refused a connection on port {_mgmtPort}: {_lines.LastRefusal} ({_lines.Refused + _lines.WrongKey} refused since boot)");
        }

        long brokenBefore = Session.SessionsBroken;
        Session.Poll(_clock.Milliseconds);
        if (_lines.Line != null && !Session.Attached)
        {
            _lines.Drop();
            if (Session.SessionsBroken != brokenBefore)
            {
                Log.WriteLine("ended the control plane's session: a frame failed its MAC or came out of sequence (someone else writes on its line)");
            }
        }

        _port.KnownReadable = _hostSockets.Refresh(_port.Socket);
        return Agent.Poll();
    }

    public void Run(CancellationToken stop)
    {
        long nextStats = _clock.Milliseconds + StatsEveryMs;
        while (!stop.IsCancellationRequested && !Session.RestartRequested)
        {
            if (PollOnce() == 0)
            {
                _hostSockets.WaitForData(_port.Socket, 1000);
            }

            if (_clock.Milliseconds >= nextStats)
            {
                nextStats = _clock.Milliseconds + StatsEveryMs;
                Log.WriteLine(Stats());
            }
        }
    }

    /// <summary>How often a running board writes its <see cref="Stats"/> line to its log (what a soak reads).</summary>
    public const int StatsEveryMs = 60_000;

    /// <summary>
    /// One line of what should stay flat on a board that runs for hours: this process's live
    /// managed heap (after a full collection, so garbage not yet collected does not count: once a
    /// minute this costs a few milliseconds), the packet buffers free, the tables' fill, the
    /// drops so far, and the TLS sessions held and handshakes failed.
    /// </summary>
    public string Stats()
    {
        var node = Agent.Node;
        string pool = node == null ? "-" : $"{node.Context.Pool.Available}/{node.Context.Pool.Capacity}";
        string conntrack = node == null ? "-" : $"{node.Proxy.Conntrack.Count}/{node.Proxy.Conntrack.Capacity}";
        string tls = FormattableString.Invariant($"tls sessions {_hostSockets.TlsSessionsInUse}/{_hostSockets.Sessions}, tls handshakes failed {_hostSockets.TlsHandshakesFailed}");
        return FormattableString.Invariant(
            $"stats: managed live {GC.GetTotalMemory(forceFullCollection: true) / 1024} KiB, buffers free {pool}, conntrack {conntrack}, drops {node?.Drops.Total ?? 0}, {tls}");
    }

    public void Dispose()
    {
        if (_lines?.Line is { } line)
        {
            _listener!.Close(line);
        }

        _listener?.Dispose();
        _hostSockets.Dispose();
        _port.Dispose();
    }
}
