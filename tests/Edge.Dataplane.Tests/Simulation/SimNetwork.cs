using Edge.Dataplane.Platform;

namespace Edge.Dataplane.Tests.Simulation;

/// <summary>
/// The wire between simulated boards: carries UDP datagrams between <see cref="SimPort"/>s
/// on the virtual clock, with loss, duplication, delay, jitter (so reordering) and
/// partitions, all drawn from one seeded generator.
/// </summary>
public sealed class SimNetwork(SimClock clock, SimRandom random)
{
    private readonly Dictionary<(uint, ushort), SimPort> _ports = new();
    private readonly PriorityQueue<(SimPort To, byte[] Data, uint From, ushort FromPort), (long, long)> _inFlight = new();
    private readonly HashSet<(uint, uint)> _partitions = new();
    private long _sequence;

    public Faults Faults { get; set; } = Faults.None;
    public long Delivered { get; private set; }
    public long Lost { get; private set; }

    public SimClock Clock => clock;

    public SimPort Open(uint address, ushort port)
    {
        var simPort = new SimPort(this, address, port);
        _ports[(address, port)] = simPort;
        return simPort;
    }

    /// <summary>Cuts (or with false, heals) the wire between two boards, both ways.</summary>
    public void Partition(uint a, uint b, bool cut = true)
    {
        if (cut)
        {
            _partitions.Add((a, b));
            _partitions.Add((b, a));
        }
        else
        {
            _partitions.Remove((a, b));
            _partitions.Remove((b, a));
        }
    }

    public int InFlight => _inFlight.Count;

    internal void Send(SimPort from, uint address, ushort port, byte[] data)
    {
        if (!_ports.TryGetValue((address, port), out SimPort? to) || _partitions.Contains((from.LocalAddress, address))
            || random.NextDouble() < Faults.Loss)
        {
            Lost++;
            return;
        }

        int copies = random.NextDouble() < Faults.Duplication ? 2 : 1;
        for (int i = 0; i < copies; i++)
        {
            long at = clock.Milliseconds + Faults.DelayMs + (Faults.JitterMs > 0 ? random.Next(Faults.JitterMs + 1) : 0);
            _inFlight.Enqueue((to, data, from.LocalAddress, from.LocalPort), (at, _sequence++));
        }
    }

    /// <summary>Hands every datagram that is due to its destination port.</summary>
    public void Deliver()
    {
        while (_inFlight.TryPeek(out var datagram, out var key) && key.Item1 <= clock.Milliseconds)
        {
            _inFlight.Dequeue();
            datagram.To.Arrive(datagram.Data, datagram.From, datagram.FromPort);
            Delivered++;
        }
    }
}

/// <summary>A board's UDP socket on the simulated wire.</summary>
public sealed class SimPort(SimNetwork network, uint address, ushort port) : IDatagramPort
{
    private readonly Queue<(byte[] Data, uint From, ushort Port)> _inbox = new();

    public uint LocalAddress => address;
    public ushort LocalPort => port;
    public long SentDatagrams { get; private set; }

    public bool Send(uint address, ushort port, byte[] buffer, int offset, int length)
    {
        SentDatagrams++;
        network.Send(this, address, port, buffer.AsSpan(offset, length).ToArray());
        return true;
    }

    public bool Readable => _inbox.Count > 0;

    public int Receive(byte[] buffer, int offset, int capacity, out uint address, out ushort port)
    {
        if (!_inbox.TryDequeue(out var datagram))
        {
            address = 0;
            port = 0;
            return -1;
        }

        address = datagram.From;
        port = datagram.Port;
        int n = Math.Min(capacity, datagram.Data.Length);
        datagram.Data.AsSpan(0, n).CopyTo(buffer.AsSpan(offset));
        return n;
    }

    internal void Arrive(byte[] data, uint from, ushort fromPort) => _inbox.Enqueue((data, from, fromPort));
}
