using Edge.Dataplane.Net.Tcp;
using Edge.Dataplane.Platform;

namespace Edge.Dataplane.Net
{
    /// <summary>
    /// A fixed number of <see cref="RelayPair"/>s, each with a buffer of its own for either
    /// direction, made with the pair's first use: what NodePort and egress relay through. A client
    /// beyond them is the caller's to refuse (<see cref="HasRoom"/>).
    /// </summary>
    public sealed class TcpRelay
    {
        private const int BufferSize = 1024;

        /// <summary>A pair that moved nothing either way for this long is ended (a client that left a connection open).</summary>
        public const int IdleTimeoutMs = RelayPair.IdleTimeoutMs;

        /// <summary>Once either side has sent its FIN, a pair that moves nothing for this long is ended.</summary>
        public const int ClosingTimeoutMs = RelayPair.ClosingTimeoutMs;

        private readonly IHostSockets _sockets;
        private readonly DropCounters _drops;
        private readonly RelayPair[] _pairs;

        public TcpRelay(IHostSockets sockets, int pairs, DropCounters drops)
        {
            _sockets = sockets;
            _drops = drops;
            _pairs = new RelayPair[pairs];
        }

        public bool HasRoom
        {
            get { return Free() >= 0; }
        }

        public int Active
        {
            get
            {
                int n = 0;
                for (int i = 0; i < _pairs.Length; i++)
                {
                    n += _pairs[i] != null && _pairs[i].InUse ? 1 : 0;
                }

                return n;
            }
        }

        /// <summary>Relays between an outside connection (still connecting, or not) and a pod-side socket; false when full.</summary>
        public bool Add(int external, TcpSocket inside, bool outsideConnecting, long now)
        {
            int i = Free();
            if (i < 0)
            {
                return false;
            }

            RelayPair pair = _pairs[i];
            if (pair == null)
            {
                pair = _pairs[i] = new RelayPair();
                pair.Start(external, inside, outsideConnecting, new byte[BufferSize], new byte[BufferSize], now, false);
            }
            else
            {
                pair.Start(external, inside, outsideConnecting, pair.ToPod, pair.ToOutside, now, false);
            }

            return true;
        }

        /// <summary>Ends every pair (the node is going away).</summary>
        public void CloseAll()
        {
            for (int i = 0; i < _pairs.Length; i++)
            {
                if (_pairs[i] != null)
                {
                    _pairs[i].Abort(_sockets);
                }
            }
        }

        public void Poll(long now)
        {
            for (int i = 0; i < _pairs.Length; i++)
            {
                if (_pairs[i] != null)
                {
                    _pairs[i].Pump(_sockets, _drops, now);
                }
            }
        }

        private int Free()
        {
            for (int i = 0; i < _pairs.Length; i++)
            {
                if (_pairs[i] == null || !_pairs[i].InUse)
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
