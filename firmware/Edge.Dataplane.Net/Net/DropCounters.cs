namespace Edge.Dataplane.Net
{
    /// <summary>
    /// One counter per <see cref="DropReason"/>; no allocation to count. 32-bit, as the heartbeat
    /// reports their total (half the bytes of 64-bit counters on a small board's heap).
    /// </summary>
    public sealed class DropCounters
    {
        private readonly uint[] _counts = new uint[DropReason.Count];

        /// <summary>Where drops are recorded with their packet, as flow events (null: only counted).</summary>
        public FlowLog Flows;

        /// <summary>
        /// The packet tracer's record while a trace is armed, else null (`edgectl trace`). Kept here
        /// because every part of the node holds the counters: a drop of the traced packet is its hop,
        /// and the bridge, the gateway and the overlay find the trace through them.
        /// </summary>
        public PacketTrace Trace;

        public void Count(int reason)
        {
            _counts[reason]++;
        }

        /// <summary>Counts a dropped frame, and records it with its addresses and ports when the node keeps flow events.</summary>
        public void Count(int reason, PacketBuffer frame)
        {
            _counts[reason]++;
            PacketTrace trace = Trace;
            if (trace != null && trace.Marked(frame.Data, frame.Offset, frame.Length))
            {
                trace.Record(PacketTrace.Dropped, (uint)reason, 0, frame.Data, frame.Offset, frame.Length);
            }

            if (Flows != null && reason != DropReason.PolicyDenied)
            {
                // A policy's drop is recorded once, by the engine that decided it, with the policy (as Hubble shows one flow for it).
                Flows.Drop(reason, frame.Data, frame.Offset, frame.Length);
            }
        }

        public long this[int reason]
        {
            get { return _counts[reason]; }
        }

        public long Total
        {
            get
            {
                long total = 0;
                for (int i = 0; i < _counts.Length; i++)
                {
                    total += _counts[i];
                }

                return total;
            }
        }

        /// <summary>"arp-unresolved=3 no-socket=1", the non-zero counters, for consoles and test messages.</summary>
        public override string ToString()
        {
            string text = "";
            for (int i = 0; i < _counts.Length; i++)
            {
                if (_counts[i] != 0)
                {
                    text += (text.Length == 0 ? "" : " ") + DropReason.Name(i) + "=" + _counts[i].ToString();
                }
            }

            return text.Length == 0 ? "none" : text;
        }
    }
}
