using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Net
{
    /// <summary>
    /// The node bridge (cni0): a learning Ethernet switch between the node's gateway (port 0)
    /// and its pods' interfaces (ports 1..n). Ports hand frames in with <see cref="Submit"/>;
    /// <see cref="Forward"/> drains the queue: learn the source MAC, send unicast to the port
    /// it was learned on, flood group and unknown destinations to every other port.
    /// Frames wait in one bounded queue, so a port that answers a frame with another frame
    /// never recurses, and a storm is cut off by the queue's size (counted as queue-full).
    /// </summary>
    public sealed class Bridge
    {
        public const int GatewayPort = 0;

        private readonly IBridgePort[] _ports;
        private readonly PacketPool _pool;
        private readonly DropCounters _drops;
        private readonly PacketQueue _queue;

        public readonly MacTable Macs;

        /// <summary>Frames forwarded, for the activity LED and counters.</summary>
        public long Forwarded;

        /// <summary>Mirror of frames entering the bridge from one port, or null.</summary>
        public PacketTap Tap;

        /// <summary>Sees IPv4 frames bridged from pod to pod (br_netfilter's hook), or null.</summary>
        public IBridgeFilter Filter;

        /// <summary>Decides on IPv4 frames bridged from pod to pod before anything else sees them (network policy), or null.</summary>
        public IForwardHook ForwardHook;

        public Bridge(int ports, int macEntries, int queueLength, PacketPool pool, DropCounters drops)
        {
            _ports = new IBridgePort[ports];
            _pool = pool;
            _drops = drops;
            _queue = new PacketQueue(queueLength);
            Macs = new MacTable(macEntries);
        }

        public int PortCount
        {
            get { return _ports.Length; }
        }

        public void Attach(int port, IBridgePort target)
        {
            _ports[port] = target;
        }

        public void Detach(int port)
        {
            _ports[port] = null;
            Macs.ForgetPort(port);
        }

        public bool IsAttached(int port)
        {
            return _ports[port] != null;
        }

        /// <summary>A frame from <paramref name="port"/> enters the bridge; forwarded on the next <see cref="Forward"/>.</summary>
        public void Submit(PacketBuffer frame, int port)
        {
            frame.Port = port;
            if (!_queue.Enqueue(frame))
            {
                _drops.Count(DropReason.QueueFull);
                _pool.Return(frame);
            }
        }

        /// <summary>Forwards up to <paramref name="budget"/> queued frames; returns how many.</summary>
        public int Forward(long now, int budget)
        {
            int done = 0;
            while (done < budget)
            {
                PacketBuffer frame = _queue.Dequeue();
                if (frame == null)
                {
                    break;
                }

                done++;
                ForwardOne(frame, now);
            }

            return done;
        }

        public int Queued
        {
            get { return _queue.Count; }
        }

        private void ForwardOne(PacketBuffer frame, long now)
        {
            if (frame.Length < EthernetFrame.HeaderLength)
            {
                _drops.Count(DropReason.Truncated);
                _pool.Return(frame);
                return;
            }

            // The packet tracer marks what a pod sends here (the packet it follows, a reply it awaits), before a capture sees it.
            byte[] b = frame.Data;
            int o = frame.Offset;
            PacketTrace trace = _drops.Trace;
            bool traced = trace != null && trace.Begin(b, o, frame.Length, frame.Port != GatewayPort);
            if (Tap != null)
            {
                Tap.Capture(PacketTap.BridgePortPoint(frame.Port), frame.Data, frame.Offset, frame.Length, now);
            }

            // The two MACs, read in this body (it runs twice for a routed packet): 48 bits each as
            // a 16-bit and a 32-bit half.
            ulong destination = ((ulong)(uint)((b[o] << 8) | b[o + 1]) << 32) | (uint)((b[o + 2] << 24) | (b[o + 3] << 16) | (b[o + 4] << 8) | b[o + 5]);
            ulong source = ((ulong)(uint)((b[o + 6] << 8) | b[o + 7]) << 32) | (uint)((b[o + 8] << 24) | (b[o + 9] << 16) | (b[o + 10] << 8) | b[o + 11]);
            Macs.Learn(source, frame.Port, now);
            Forwarded++;

            int to = (b[o] & 0x01) != 0 ? -1 : Macs.Lookup(destination, now); // a group address floods
            if (frame.Port != GatewayPort && to != GatewayPort)
            {
                if (ForwardHook != null && !PassesForwardHook(frame, now))
                {
                    _drops.Count(DropReason.PolicyDenied, frame);
                    _pool.Return(frame);
                    return;
                }

                if (Filter != null)
                {
                    Filter.OnBridged(frame, now);
                }
            }

            if (traced)
            {
                trace.Record(PacketTrace.Bridged, (uint)frame.Port, to >= 0 && _ports[to] != null ? (uint)to : 0xFFFFFFFF, b, o, frame.Length);
            }

            if (to >= 0 && to != frame.Port && _ports[to] != null)
            {
                _ports[to].Deliver(frame, now);
                return;
            }

            if (to == frame.Port)
            {
                // Learned on the port it came from: a hairpin the bridge does not do.
                _pool.Return(frame);
                return;
            }

            Flood(frame, now);
        }

        // An IPv4 frame between two pods, shown to the forward hook as the IP packet it carries
        // (its total length, or what the frame holds when that is less: the hook checks what it reads).
        private bool PassesForwardHook(PacketBuffer frame, long now)
        {
            byte[] b = frame.Data;
            int o = frame.Offset;
            int available = frame.Length - EthernetFrame.HeaderLength;
            if (((b[o + 12] << 8) | b[o + 13]) != EtherType.Ipv4 || available < Ipv4Packet.MinimumHeaderLength)
            {
                return true; // ARP and the rest: policy is about IP
            }

            int ip = o + EthernetFrame.HeaderLength;
            int total = (b[ip + 2] << 8) | b[ip + 3];
            int length = total >= Ipv4Packet.MinimumHeaderLength && total < available ? total : available;
            return ForwardHook.Forward(b, ip, length, 0, 0, 0, now) != HookVerdict.Drop;
        }

        private void Flood(PacketBuffer frame, long now)
        {
            int last = -1;
            for (int p = 0; p < _ports.Length; p++)
            {
                if (p == frame.Port || _ports[p] == null)
                {
                    continue;
                }

                if (last >= 0)
                {
                    PacketBuffer copy = _pool.Rent();
                    if (copy == null)
                    {
                        _drops.Count(DropReason.NoBuffer);
                    }
                    else
                    {
                        System.Array.Copy(frame.Data, frame.Offset, copy.Data, copy.Offset, frame.Length);
                        copy.Length = frame.Length;
                        copy.Port = frame.Port;
                        copy.ChecksumsValid = frame.ChecksumsValid;
                        _ports[last].Deliver(copy, now);
                    }
                }

                last = p;
            }

            if (last >= 0)
            {
                _ports[last].Deliver(frame, now);
            }
            else
            {
                _pool.Return(frame);
            }
        }
    }
}
