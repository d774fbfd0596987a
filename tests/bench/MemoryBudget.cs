using Edge.Dataplane.Agent;
using Edge.Dataplane.Boards;
using Edge.Dataplane.Dns;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Net;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Proxy;

namespace Edge.Bench;

/// <summary>
/// The board's memory against its class's budget, on the net10.0 build: a node booted with the
/// class's capacities and loaded with the workshop's worst case for a small board (8 whoami
/// pods, 32 services with 64 endpoints and their DNS records, a full conntrack table is
/// allocated whole at boot), counting every byte allocated on the way (garbage included, so an
/// upper bound of the live heap; nanoFramework's object headers differ, its arrays do not).
/// Run: dotnet run -c Release --project tests/bench -- budget
/// </summary>
public static class MemoryBudget
{
    public static int Run()
    {
        foreach (int memoryClass in new[] { MemoryClass.Wroom, MemoryClass.Wrover, MemoryClass.Large })
        {
            var identity = new NodeConfig { Name = "node-1", Address = 0xC0A8320B };
            MemoryClass.Apply(memoryClass, identity);
            var agent = new NodeAgent(identity, new Edge.VirtualBoard.Platform.SystemClock(), new Edge.VirtualBoard.Platform.SystemRandom(), new NullPort(), new NullHostSockets());
            DesiredState full = WorstCase();
            byte[] first = Encoded(new DesiredState { Generation = 1, PodNetwork = full.PodNetwork, Peers = full.Peers });
            byte[] second = Encoded(new DesiredState { Generation = 2, PodNetwork = full.PodNetwork, Peers = full.Peers, Pods = full.Pods });
            byte[] third = Encoded(full);
            long session = Allocated(() => GC.KeepAlive(new BoardSession(agent, new NodeConfigIdentity { Name = identity.Name, Address = identity.Address, MaxPayload = MemoryClass.MaxPayload(memoryClass) })));
            long node = Allocated(() => agent.Apply(Decoded(first)));
            long pods = Allocated(() => agent.Apply(Decoded(second)));
            DesiredState decodedThird = null!;
            long decode = Allocated(() => decodedThird = Decoded(third));
            long services = decode + Allocated(() => agent.Apply(decodedThird));
            Console.WriteLine($"{MemoryClass.Name(memoryClass),-7} decoding the worst-case state allocates {decode / 1024.0:F1} KiB (kept as the applied state)");
            long total = session + node + pods + services;
            Console.WriteLine($"{MemoryClass.Name(memoryClass),-7} worst-case snapshot {third.Length:N0} bytes (board takes up to {MemoryClass.MaxPayload(memoryClass):N0})");
            int budget = MemoryClass.BudgetBytes(memoryClass);
            if (memoryClass == MemoryClass.Wroom)
            {
                // Where a WROOM node's memory goes: the parts the node builds at boot, one by one.
                var c = identity;
                Console.WriteLine($"wroom   node parts: packet pool {Allocated(() => GC.KeepAlive(new PacketPool(c.PacketBuffers))) / 1024.0:F1} KiB, "
                    + $"service proxy (conntrack, services, affinity) {Allocated(() => GC.KeepAlive(new ServiceProxy(c.MaxServices, c.ConntrackEntries, c.AffinityEntries, 0x0AF40101, 0x0AF40000, 16, 0, new Edge.VirtualBoard.Platform.SystemRandom()))) / 1024.0:F1} KiB "
                    + $"(conntrack alone {Allocated(() => GC.KeepAlive(new Conntrack(c.ConntrackEntries))) / 1024.0:F1}), "
                    + $"DNS zone {Allocated(() => GC.KeepAlive(new DnsZone(c.ClusterDomain, 5, c.MaxServices, c.DnsPods))) / 1024.0:F1} KiB, "
                    + $"bridge {Allocated(() => GC.KeepAlive(new Bridge(c.MaxPods + 1, c.MacEntries, c.BridgeQueue, new PacketPool(0), new DropCounters()))) / 1024.0:F1} KiB");
            }

            Console.WriteLine($"{MemoryClass.Name(memoryClass),-7} session {session / 1024.0,5:F1} KiB + node {node / 1024.0,6:F1} KiB + 8 pods {pods / 1024.0,5:F1} KiB + 32 services, 64 endpoints, DNS and the kept state {services / 1024.0,5:F1} KiB"
                + $" = {total / 1024.0,6:F1} KiB: ratio {(double)total / budget:F2} of its {budget / 1024} KiB budget"
                + $" (conntrack {identity.ConntrackEntries}, packet buffers {identity.PacketBuffers} x {PacketBuffer.Capacity} B, TCP buffers {identity.TcpSendBuffer}+{identity.TcpReceiveBuffer} B)");
        }

        return 0;
    }

    private static long Allocated(Action step)
    {
        GC.Collect();
        long before = GC.GetAllocatedBytesForCurrentThread();
        step();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>What the host sends (encoded outside the measurement: that is the host's memory).</summary>
    private static byte[] Encoded(DesiredState state)
    {
        byte[] buffer = new byte[Frame.MaxPayload];
        var w = new PayloadWriter();
        w.Begin(buffer, 0, buffer.Length);
        StateCodec.Encode(state, w);
        return buffer.AsSpan(0, w.Length).ToArray();
    }

    /// <summary>The state as the board gets it: decoded from the frame (the board then keeps it as its applied state).</summary>
    private static DesiredState Decoded(byte[] payload)
    {
        var r = new PayloadReader();
        r.Begin(payload, 0, payload.Length);
        return StateCodec.Decode(r);
    }

    private static DesiredState WorstCase()
    {
        var pods = Enumerable.Range(0, 8).Select(i => new PodSpec
        {
            Namespace = "default", Name = $"web-6d4b9c7f5-{i:x5}", Uid = $"0b1c2d3e-4f50-6172-8394-a5b6c7d8e9{i:x2}",
            Address = 0x0AF40102u + (uint)i, Image = "whoami",
        }).ToArray();
        var services = Enumerable.Range(0, 32).Select(i =>
        {
            var s = new Service { Namespace = "default", Name = $"svc-{i}", PortName = "http", ClusterIp = 0x0A600010u + (uint)i, Port = 80 };
            s.SetEndpoints([0x0AF40102u + (uint)(i % 8), 0x0AF40202u + (uint)(i % 8)], [80, 80],
                [(byte)(EndpointFlags.Ready | EndpointFlags.Serving | EndpointFlags.Local), (byte)(EndpointFlags.Ready | EndpointFlags.Serving)],
                [$"web-6d4b9c7f5-{i % 8:x5}", $"web-6d4b9c7f5-{8 + i % 8:x5}"]);
            return s;
        }).ToArray();
        return new DesiredState
        {
            Generation = 3,
            PodNetwork = 0x0AF40100,
            Peers = [new PeerSpec { Name = "node-2", PodNetwork = 0x0AF40200, PrefixLength = 24, Address = 0xC0A8320C }, new PeerSpec { Name = "node-3", PodNetwork = 0x0AF40300, PrefixLength = 24, Address = 0xC0A8320D }],
            Pods = pods,
            Services = services,
            DnsServices = services.Select(s => new DnsService { Namespace = s.Namespace, Name = s.Name, ClusterIp = s.ClusterIp }).ToArray(),
            ClusterPodAddresses = pods.Select(p => p.Address).ToArray(),
            ClusterPodNamespaces = pods.Select(p => p.Namespace).ToArray(),
        };
    }

    private sealed class NullPort : IDatagramPort
    {
        public uint LocalAddress => 0;
        public ushort LocalPort => 0;
        public bool Send(uint address, ushort port, byte[] buffer, int offset, int length) => true;

        public int Receive(byte[] buffer, int offset, int capacity, out uint address, out ushort port)
        {
            address = 0;
            port = 0;
            return -1;
        }
    }

    /// <summary>The board's own sockets live in lwIP, not the managed heap: handles that never carry anything.</summary>
    private sealed class NullHostSockets : IHostSockets
    {
        private int _next = 1;

        public int ListenTcp(ushort port) => _next++;
        public int ConnectTcp(uint address, ushort port) => -1;
        public int ConnectState(int connection) => -1;

        public int Accept(int listener, out uint remoteAddress, out ushort remotePort)
        {
            remoteAddress = 0;
            remotePort = 0;
            return -1;
        }

        public int Receive(int connection, byte[] buffer, int offset, int length) => 0;
        public int Send(int connection, byte[] buffer, int offset, int length) => length;
        public void ShutdownSend(int connection)
        {
        }

        public int OpenUdp(ushort port) => _next++;

        public int ReceiveFrom(int udp, byte[] buffer, int offset, int length, out uint address, out ushort port)
        {
            address = 0;
            port = 0;
            return -1;
        }

        public bool SendTo(int udp, uint address, ushort port, byte[] buffer, int offset, int length) => true;
        public void Close(int handle)
        {
        }
    }
}
