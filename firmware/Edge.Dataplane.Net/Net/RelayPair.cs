using Edge.Dataplane.Net.Tcp;
using Edge.Dataplane.Platform;

namespace Edge.Dataplane.Net
{
    /// <summary>
    /// One relayed connection pair: a connection on the board's own TCP (a NodePort or ingress
    /// client, an egress destination) and one in the pod network (a TcpSocket of the host
    /// sandbox), with a buffer for each direction. Bytes move only as fast as the slower side
    /// takes them, a FIN on either side becomes a half close on the other, and a failure on
    /// either side ends both. A pair that moves no byte for a while is ended on both sides (the
    /// outside closed, the pod reset, counted as idle-timeout), sooner once one side has
    /// finished, as Linux's conntrack keeps a closing connection for less time than an
    /// established one. Reused: <see cref="Start"/> again once it has ended.
    /// </summary>
    public sealed class RelayPair
    {
        /// <summary>A pair that moved nothing either way for this long is ended (a client that left a connection open).</summary>
        public const int IdleTimeoutMs = 120000;

        /// <summary>Once either side has sent its FIN, a pair that moves nothing for this long is ended.</summary>
        public const int ClosingTimeoutMs = 30000;

        private int _external;
        private TcpSocket _inside;
        private byte[] _toPod;
        private byte[] _toOutside;
        private int _toPodCount;
        private int _toOutsideCount;
        private bool _outsideDone;
        private bool _podDone;
        private bool _connecting;
        private bool _endWithPod;
        private long _lastMoved;

        /// <summary>Relaying: started and not yet ended.</summary>
        public bool InUse;

        /// <summary>The buffers the pair relays through (null until its first start).</summary>
        public byte[] ToPod
        {
            get { return _toPod; }
        }

        public byte[] ToOutside
        {
            get { return _toOutside; }
        }

        /// <summary>
        /// Relays between an outside connection (still connecting, or not) and a pod-side socket,
        /// through these buffers (each direction at most a buffer ahead of the slower side).
        /// <paramref name="endWithPod"/>: the exchange is over once the pod has finished and all it
        /// sent has gone out (an HTTP backend told Connection: close), whatever the client still
        /// sends; else the pair lasts until both sides have finished, as a TCP relay must.
        /// </summary>
        public void Start(int external, TcpSocket inside, bool outsideConnecting, byte[] toPod, byte[] toOutside, long now, bool endWithPod)
        {
            _endWithPod = endWithPod;
            InUse = true;
            _external = external;
            _inside = inside;
            _toPod = toPod;
            _toOutside = toOutside;
            _toPodCount = 0;
            _toOutsideCount = 0;
            _outsideDone = false;
            _podDone = false;
            _connecting = outsideConnecting;
            _lastMoved = now;
        }

        /// <summary>Ends both sides at once: the pod's reset, the outside closed.</summary>
        public void Abort(IHostSockets sockets)
        {
            if (InUse)
            {
                _inside.Abort();
                Finish(sockets);
            }
        }

        /// <summary>Moves what each side has for the other; false once the pair has ended.</summary>
        public bool Pump(IHostSockets sockets, DropCounters drops, long now)
        {
            if (!InUse)
            {
                return false;
            }

            TcpSocket inside = _inside;
            if (_connecting)
            {
                int state = sockets.ConnectState(_external);
                if (state < 0)
                {
                    Abort(sockets); // the destination refused or is unreachable: the pod sees a reset
                    return false;
                }

                if (state == 0)
                {
                    return true;
                }

                _connecting = false;
            }

            if (inside.State == TcpState.Closed && inside.Error != TcpError.None)
            {
                Finish(sockets);
                return false;
            }

            bool moved = false;
            bool doneBefore = _outsideDone || _podDone;

            // Outside to pod.
            if (!_outsideDone && _toPodCount == 0)
            {
                int n = sockets.Receive(_external, _toPod, 0, _toPod.Length);
                if (n < 0)
                {
                    _outsideDone = true;
                }
                else
                {
                    _toPodCount = n;
                }
            }

            if (_toPodCount > 0 && inside.IsConnected)
            {
                int sent = inside.Send(_toPod, 0, _toPodCount);
                Shift(_toPod, sent, _toPodCount);
                _toPodCount -= sent;
                moved |= sent > 0;
            }

            if (_outsideDone && _toPodCount == 0)
            {
                if (inside.State == TcpState.Established || inside.State == TcpState.CloseWait)
                {
                    inside.Close();
                }
                else if (inside.State == TcpState.SynSent || inside.State == TcpState.SynReceived)
                {
                    // The client left before the pod took the connection: nobody waits for it.
                    Abort(sockets);
                    return false;
                }
            }

            // Pod to outside.
            if (_toOutsideCount == 0 && !_podDone)
            {
                _toOutsideCount = inside.Receive(_toOutside, 0, _toOutside.Length);
                if (_toOutsideCount == 0 && (inside.EndOfStream || inside.IsClosed))
                {
                    _podDone = true;
                    sockets.ShutdownSend(_external);
                }
            }

            if (_toOutsideCount > 0)
            {
                int sent = sockets.Send(_external, _toOutside, 0, _toOutsideCount);
                if (sent < 0)
                {
                    Abort(sockets);
                    return false;
                }

                Shift(_toOutside, sent, _toOutsideCount);
                _toOutsideCount -= sent;
                moved |= sent > 0;
            }

            if ((_outsideDone || _endWithPod) && _podDone && _toOutsideCount == 0)
            {
                Finish(sockets);
                return false;
            }

            if (moved || (_outsideDone || _podDone) != doneBefore)
            {
                _lastMoved = now;
            }
            else if (now - _lastMoved >= (doneBefore ? ClosingTimeoutMs : IdleTimeoutMs))
            {
                drops.Count(DropReason.IdleTimeout);
                Abort(sockets);
                return false;
            }

            return true;
        }

        private void Finish(IHostSockets sockets)
        {
            sockets.Close(_external);
            if (!_inside.IsClosed)
            {
                _inside.Close();
            }

            _inside = null;
            InUse = false;
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
