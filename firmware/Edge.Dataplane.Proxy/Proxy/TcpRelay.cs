using Edge.Dataplane.Net;
using Edge.Dataplane.Net.Tcp;
using Edge.Dataplane.Platform;

namespace Edge.Dataplane.Proxy
{
    /// <summary>
    /// Pairs of connections whose bytes it copies both ways: one on the board's own TCP (a
    /// NodePort client, or an egress destination) and one in the pod network (a TcpSocket of
    /// the host sandbox). Bytes move only as fast as the slower side takes them, a FIN on
    /// either side becomes a half close on the other, and a failure on either side ends both.
    /// Fixed number of pairs and buffers, so a pair nobody uses any more must not hold its place:
    /// a client that goes away before the pod has answered its connection takes the pod side with
    /// it, and a pair that moves no byte for a while is ended on both sides (the outside closed,
    /// the pod reset, counted as idle-timeout), sooner once one side has finished, as Linux's conntrack keeps a closing
    /// connection for less time than an established one.
    /// </summary>
    public sealed class TcpRelay
    {
        private const int BufferSize = 1024;

        /// <summary>A pair that moved nothing either way for this long is ended (a client that left a connection open).</summary>
        public const int IdleTimeoutMs = 120000;

        /// <summary>Once either side has sent its FIN, a pair that moves nothing for this long is ended.</summary>
        public const int ClosingTimeoutMs = 30000;

        private readonly IHostSockets _sockets;
        private readonly DropCounters _drops;
        private readonly int[] _external;
        private readonly TcpSocket[] _internal;
        private readonly byte[][] _toPod;
        private readonly byte[][] _toOutside;
        private readonly int[] _toPodCount;
        private readonly int[] _toOutsideCount;
        private readonly bool[] _outsideDone;
        private readonly bool[] _podDone;
        private readonly bool[] _connecting;
        private readonly bool[] _used;
        private readonly long[] _lastMoved;

        public long BytesToPods;
        public long BytesOut;
        public long Failed;

        public TcpRelay(IHostSockets sockets, int pairs, DropCounters drops)
        {
            _sockets = sockets;
            _drops = drops;
            _external = new int[pairs];
            _internal = new TcpSocket[pairs];
            _toPod = new byte[pairs][];
            _toOutside = new byte[pairs][];
            _toPodCount = new int[pairs];
            _toOutsideCount = new int[pairs];
            _outsideDone = new bool[pairs];
            _podDone = new bool[pairs];
            _connecting = new bool[pairs];
            _used = new bool[pairs];
            _lastMoved = new long[pairs];
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
                for (int i = 0; i < _used.Length; i++)
                {
                    n += _used[i] ? 1 : 0;
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

            _used[i] = true;
            _external[i] = external;
            _internal[i] = inside;
            _toPodCount[i] = 0;
            _toOutsideCount[i] = 0;
            _outsideDone[i] = false;
            _podDone[i] = false;
            _connecting[i] = outsideConnecting;
            _lastMoved[i] = now;
            if (_toPod[i] == null)
            {
                _toPod[i] = new byte[BufferSize];
                _toOutside[i] = new byte[BufferSize];
            }

            return true;
        }

        /// <summary>Ends every pair (the node is going away).</summary>
        public void CloseAll()
        {
            for (int i = 0; i < _used.Length; i++)
            {
                if (_used[i])
                {
                    _internal[i].Abort();
                    Finish(i);
                }
            }
        }

        public void Poll(long now)
        {
            for (int i = 0; i < _used.Length; i++)
            {
                if (_used[i])
                {
                    Pump(i, now);
                }
            }
        }

        private void Pump(int c, long now)
        {
            TcpSocket inside = _internal[c];
            int outside = _external[c];
            if (_connecting[c])
            {
                int state = _sockets.ConnectState(outside);
                if (state < 0)
                {
                    Failed++;
                    inside.Abort(); // the destination refused or is unreachable: the pod sees a reset
                    Finish(c);
                    return;
                }

                if (state == 0)
                {
                    return;
                }

                _connecting[c] = false;
            }

            if (inside.State == TcpState.Closed && inside.Error != TcpError.None)
            {
                Finish(c);
                return;
            }

            long movedBefore = BytesToPods + BytesOut;
            bool doneBefore = _outsideDone[c] || _podDone[c];

            // Outside to pod.
            if (!_outsideDone[c] && _toPodCount[c] == 0)
            {
                int n = _sockets.Receive(outside, _toPod[c], 0, BufferSize);
                if (n < 0)
                {
                    _outsideDone[c] = true;
                }
                else
                {
                    _toPodCount[c] = n;
                }
            }

            if (_toPodCount[c] > 0 && inside.IsConnected)
            {
                int sent = inside.Send(_toPod[c], 0, _toPodCount[c]);
                Shift(_toPod[c], sent, _toPodCount[c]);
                _toPodCount[c] -= sent;
                BytesToPods += sent;
            }

            if (_outsideDone[c] && _toPodCount[c] == 0)
            {
                if (inside.State == TcpState.Established || inside.State == TcpState.CloseWait)
                {
                    inside.Close();
                }
                else if (inside.State == TcpState.SynSent || inside.State == TcpState.SynReceived)
                {
                    // The client left before the pod took the connection: nobody waits for it.
                    inside.Abort();
                    Finish(c);
                    return;
                }
            }

            // Pod to outside.
            if (_toOutsideCount[c] == 0 && !_podDone[c])
            {
                _toOutsideCount[c] = inside.Receive(_toOutside[c], 0, BufferSize);
                if (_toOutsideCount[c] == 0 && (inside.EndOfStream || inside.IsClosed))
                {
                    _podDone[c] = true;
                    _sockets.ShutdownSend(outside);
                }
            }

            if (_toOutsideCount[c] > 0)
            {
                int sent = _sockets.Send(outside, _toOutside[c], 0, _toOutsideCount[c]);
                if (sent < 0)
                {
                    Failed++;
                    inside.Abort();
                    Finish(c);
                    return;
                }

                Shift(_toOutside[c], sent, _toOutsideCount[c]);
                _toOutsideCount[c] -= sent;
                BytesOut += sent;
            }

            if (_outsideDone[c] && _podDone[c] && _toOutsideCount[c] == 0)
            {
                Finish(c);
                return;
            }

            if (BytesToPods + BytesOut != movedBefore || (_outsideDone[c] || _podDone[c]) != doneBefore)
            {
                _lastMoved[c] = now;
            }
            else if (now - _lastMoved[c] >= (doneBefore ? ClosingTimeoutMs : IdleTimeoutMs))
            {
                _drops.Count(DropReason.IdleTimeout);
                inside.Abort();
                Finish(c);
            }
        }

        private void Finish(int c)
        {
            _sockets.Close(_external[c]);
            if (!_internal[c].IsClosed)
            {
                _internal[c].Close();
            }

            _internal[c] = null;
            _used[c] = false;
        }

        private int Free()
        {
            for (int i = 0; i < _used.Length; i++)
            {
                if (!_used[i])
                {
                    return i;
                }
            }

            return -1;
        }

        private static void Shift(byte[] buffer, int consumed, int count)
        {
            if (consumed > 0 && consumed < count)
            {
                System.Array.Copy(buffer, consumed, buffer, 0, count - consumed);
            }
        }
    }
}
