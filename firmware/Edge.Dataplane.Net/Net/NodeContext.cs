using Edge.Dataplane.Platform;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Net
{
    /// <summary>What every part of a node shares: buffers, drop counters, clock, randomness, limits.</summary>
    public sealed class NodeContext
    {
        public readonly NodeConfig Config;
        public readonly PacketPool Pool;
        public readonly DropCounters Drops = new DropCounters();
        public readonly IClock Clock;
        public readonly IRandomSource Random;

        /// <summary>What the node's pods write, in one journal (`edgectl logs`).</summary>
        public readonly NodeLog Log;

        // Headers for building outgoing packets. Each is filled and emitted in one go, with no
        // call in between that could build another packet, so one set serves every pod and socket
        // (on nanoFramework every field of an object costs a 12-byte heap block: a set per pod
        // and per socket was kilobytes on a small board).
        internal readonly Ipv4Repr IpOut = new Ipv4Repr();
        internal readonly TcpRepr TcpOut = new TcpRepr();
        internal readonly IcmpRepr IcmpOut = new IcmpRepr();
        internal readonly Ipv4Repr IpQuoted = new Ipv4Repr();
        internal readonly EthernetRepr EthernetOut = new EthernetRepr();
        internal readonly ArpRepr Arp = new ArpRepr();

        // Headers a pod parses what it receives into. Pods receive one frame at a time from the
        // bridge's queue (or their loopback queue), and what a pod sends on the way is queued,
        // never delivered into another pod at once, so one pod's input never runs inside
        // another's and one set serves them all. A pod may reuse them to answer (an echo reply).
        internal readonly Ipv4Repr IpIn = new Ipv4Repr();
        internal readonly UdpRepr UdpIn = new UdpRepr();
        internal readonly IcmpRepr IcmpIn = new IcmpRepr();
        internal readonly TcpRepr TcpIn = new TcpRepr();

        /// <summary>
        /// The most a datagram read from one of the board's own sockets (NodePort, egress and DNS)
        /// may carry. Each reader rents a buffer from <see cref="Pool"/> for its turn, reads a
        /// datagram into it and hands it on at once (what it sends into a pod is queued in buffers
        /// of its own); with the pool empty, datagrams wait in their sockets for the next turn.
        /// A buffer kept for them alone was 1.5 KiB that a small board's packets could not use.
        /// </summary>
        public const int DatagramMax = 1500;

        /// <summary>The rings of every listening socket: never written (a listener carries no data), only asked for its count.</summary>
        internal readonly ByteRing NoData = new ByteRing(1);

        /// <summary>
        /// How often the node runs the timers that need no precision finer than this (ARP
        /// retries and give-ups, conntrack's sweep): every turn, they were a third of the work of
        /// a packet through the node on nanoCLR, with nothing to do.
        /// </summary>
        public const int TickMs = 25;

        /// <summary>
        /// Frames held by the node's interfaces until their next hop answers ARP. While any wait,
        /// the interfaces' timers run every turn: a held frame holds one of a small board's few
        /// buffers, so its ARP retry goes out as soon as the rate limits allow.
        /// </summary>
        public int FramesWaitingForArp;

        /// <summary>How often neighbour tables are swept of expired entries (an expired entry is never used: this only frees it).</summary>
        public const int SweepMs = 1000;

        // The ICMP errors the node's pods send (port unreachable for a closed UDP port): one
        // builder for all of them, made on the first error, its limit of IcmpError.PerSecond
        // the node's pods' together (a builder per pod was 84 bytes each on nanoFramework).
        private IcmpError _podErrors;

        internal IcmpError PodErrors
        {
            get
            {
                if (_podErrors == null)
                {
                    _podErrors = new IcmpError(this);
                }

                return _podErrors;
            }
        }

        public NodeContext(NodeConfig config, IClock clock, IRandomSource random)
        {
            Config = config;
            Clock = clock;
            Random = random;
            Pool = new PacketPool(config.PacketBuffers);
            Log = new NodeLog(config.LogBytes);
        }

        /// <summary>The armed packet trace (`edgectl trace`), or null: kept with <see cref="Drops"/>, which every part holds.</summary>
        public PacketTrace Trace
        {
            get { return Drops.Trace; }
            set { Drops.Trace = value; }
        }

        public long Now
        {
            get { return Clock.Milliseconds; }
        }
    }
}
