using Edge.Dataplane.Net.Tcp;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Net
{
    /// <summary>The pod sandbox's TCP (RFC 9293): listeners and connections in the pod's socket table, segments in, resets for no connection, ephemeral ports.</summary>
    public sealed partial class PodSandbox
    {
        // One past the highest slot in use is kept (TcpHigh, in _state): a turn polls up to it,
        // not every slot (sixteen empty slots were 11k native instructions a pod a turn on nanoCLR).
        private readonly TcpSocket[] _tcpSockets;

        /// <summary>
        /// A listener that accepts TCP connections to any outside address the gateway hands over
        /// with <see cref="DeliverTransparent"/>: each child's local address and port are the
        /// destination the pod asked for (what Linux's TPROXY does). For pod egress.
        /// </summary>
        public TcpSocket ListenTransparent(int backlog)
        {
            TcpSocket socket = NewTcp(true);
            if (socket == null)
            {
                return null;
            }

            socket.StartListen(0, backlog, _node.Now);
            socket.Transparent = true;
            return socket;
        }

        /// <summary>Whether a socket of the pod holds <paramref name="port"/>, TCP or UDP (a container binding it would get EADDRINUSE).</summary>
        public bool Listens(ushort port)
        {
            return FindListener(port) != null || FindUdp(port) != null;
        }

        /// <summary>A listening socket on a port (backlog: connections established but not yet accepted); null when taken or out of sockets.</summary>
        public TcpSocket Listen(ushort port, int backlog)
        {
            if (port == 0 || FindListener(port) != null)
            {
                return null;
            }

            TcpSocket socket = NewTcp(true);
            if (socket == null)
            {
                return null;
            }

            socket.StartListen(port, backlog > 0 ? backlog : _node.Config.TcpBacklog, _node.Now);
            return socket;
        }

        /// <summary>Starts connecting to address:port from an ephemeral port; watch <see cref="TcpSocket.State"/>.</summary>
        public TcpSocket Connect(uint address, ushort port)
        {
            return Connect(address, port, _node.Config.TcpSendBuffer, _node.Config.TcpReceiveBuffer);
        }

        /// <summary>
        /// Connects with buffers of the given sizes: a client that sends a line and reads a status
        /// (a probe) needs a few bytes, not the kilobytes a connection is given by default.
        /// </summary>
        public TcpSocket Connect(uint address, ushort port, int sendBuffer, int receiveBuffer)
        {
            TcpSocket socket = NewTcp(false, sendBuffer, receiveBuffer);
            if (socket == null)
            {
                return null;
            }

            uint local = SourceFor(address);
            ushort localPort = FreeEphemeralTcpPort(local, address, port);
            if (localPort == 0)
            {
                CloseTcp(socket);
                _node.Drops.Count(DropReason.SocketLimit);
                return null;
            }

            socket.StartConnect(local, localPort, address, port, _node.Random.NextUInt32(), _node.Now);
            return socket;
        }

        internal int TimeWaitMs
        {
            get { return _node.Config.TimeWaitMs; }
        }

        internal TcpSocket AcceptTcp(TcpSocket listener)
        {
            for (int i = 0; i < _tcpSockets.Length; i++)
            {
                TcpSocket s = _tcpSockets[i];
                if (s != null && s.Parent == listener && !s.Accepted && s.State != TcpState.SynReceived)
                {
                    s.Accepted = true;
                    return s;
                }
            }

            return null;
        }

        internal void CloseTcp(TcpSocket socket)
        {
            for (int i = 0; i < _tcpSockets.Length; i++)
            {
                TcpSocket s = _tcpSockets[i];
                if (s == socket)
                {
                    _tcpSockets[i] = null;
                    int high = TcpHigh;
                    while (high > 0 && _tcpSockets[high - 1] == null)
                    {
                        high--;
                    }

                    TcpHigh = high;
                }
                else if (s != null && s.Parent == socket && !s.Accepted && socket.State == TcpState.Listen)
                {
                    s.Abort(); // a closing listener resets what it never accepted
                }
            }
        }

        // TIME-WAIT is bounded in count: beyond MaxTimeWait the oldest is dropped early, as
        // Linux does past tcp_max_tw_buckets.
        internal void OnTimeWait(TcpSocket socket)
        {
            int count = 0;
            TcpSocket oldest = null;
            long now = _node.Now;
            for (int i = 0; i < _tcpSockets.Length; i++)
            {
                TcpSocket s = _tcpSockets[i];
                if (s != null && s.State == TcpState.TimeWait)
                {
                    count++;
                    if (s != socket && (oldest == null || s.TimeWaitRemaining(now) < oldest.TimeWaitRemaining(now)))
                    {
                        oldest = s;
                    }
                }
            }

            if (count > _node.Config.MaxTimeWait && oldest != null)
            {
                oldest.State = TcpState.Closed;
                CloseTcp(oldest);
            }
        }

        private TcpSocket NewTcp()
        {
            return NewTcp(false, _node.Config.TcpSendBuffer, _node.Config.TcpReceiveBuffer);
        }

        private TcpSocket NewTcp(bool listener)
        {
            return NewTcp(listener, _node.Config.TcpSendBuffer, _node.Config.TcpReceiveBuffer);
        }

        /// <summary>
        /// A socket from the pod's table: a connection with the configured buffers, or a listener
        /// without buffers or connection state (eight listening pods on a WROOM board would
        /// otherwise hold both for nothing).
        /// </summary>
        private TcpSocket NewTcp(bool listener, int sendBuffer, int receiveBuffer)
        {
            if (SocketCount() >= _node.Config.MaxSocketsPerPod)
            {
                _node.Drops.Count(DropReason.SocketLimit);
                return null;
            }

            for (int i = 0; i < _tcpSockets.Length; i++)
            {
                if (_tcpSockets[i] == null)
                {
                    TcpSocket socket = new TcpSocket(this);
                    if (listener)
                    {
                        socket.OpenListener();
                    }
                    else
                    {
                        socket.Open(sendBuffer, receiveBuffer);
                    }

                    _tcpSockets[i] = socket;
                    if (i >= TcpHigh)
                    {
                        TcpHigh = i + 1;
                    }

                    return socket;
                }
            }

            _node.Drops.Count(DropReason.SocketLimit);
            return null;
        }

        private void InputTcp(PacketBuffer frame, long now)
        {
            WireError error = _node.TcpIn.Parse(frame.Data, _node.IpIn.PayloadOffset, _node.IpIn.PayloadLength, _node.IpIn.Source, _node.IpIn.Destination, frame.ChecksumsValid);
            if (error != WireError.None)
            {
                Drop(frame, DropReason.Of(error));
                return;
            }

            uint local = _node.IpIn.Destination;
            uint remote = _node.IpIn.Source;
            for (int i = 0; i < _tcpSockets.Length; i++)
            {
                TcpSocket s = _tcpSockets[i];
                if (s != null && s.Matches(local, _node.TcpIn.DestinationPort, remote, _node.TcpIn.SourcePort))
                {
                    s.Input(_node.TcpIn, frame.Data, now);
                    _node.Pool.Return(frame);
                    return;
                }
            }

            TcpSocket listener = FindListener(_node.TcpIn.DestinationPort);
            if (listener == null && TransparentInput)
            {
                listener = FindTransparentListener();
            }

            if (listener != null && (_node.TcpIn.Flags & (TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Rst)) == TcpFlags.Syn)
            {
                if (Pending(listener) >= listener.Backlog)
                {
                    Drop(frame, DropReason.QueueFull); // a full accept queue drops SYNs; the client retries
                    return;
                }

                TcpSocket child = NewTcp();
                if (child != null)
                {
                    child.StartFromSyn(listener, local, remote, _node.TcpIn, _node.Random.NextUInt32(), now);
                }

                _node.Pool.Return(frame);
                return;
            }

            _node.Drops.Count(DropReason.NoSocket);
            if (!_node.TcpIn.HasFlag(TcpFlags.Rst))
            {
                SendReset(local, remote, now);
            }

            _node.Pool.Return(frame);
        }

        // RFC 9293 §3.10.7.1: a segment for no connection gets a RST that the sender will accept.
        private void SendReset(uint local, uint remote, long now)
        {
            PacketBuffer frame = Rent();
            if (frame == null)
            {
                return;
            }

            _node.TcpOut.SourcePort = _node.TcpIn.DestinationPort;
            _node.TcpOut.DestinationPort = _node.TcpIn.SourcePort;
            if (_node.TcpIn.HasFlag(TcpFlags.Ack))
            {
                _node.TcpOut.SequenceNumber = _node.TcpIn.AcknowledgmentNumber;
                _node.TcpOut.AcknowledgmentNumber = 0;
                _node.TcpOut.Flags = TcpFlags.Rst;
            }
            else
            {
                int length = _node.TcpIn.PayloadLength + (_node.TcpIn.HasFlag(TcpFlags.Syn) ? 1 : 0) + (_node.TcpIn.HasFlag(TcpFlags.Fin) ? 1 : 0);
                _node.TcpOut.SequenceNumber = 0;
                _node.TcpOut.AcknowledgmentNumber = _node.TcpIn.SequenceNumber + (uint)length;
                _node.TcpOut.Flags = TcpFlags.Rst | TcpFlags.Ack;
            }

            _node.TcpOut.Window = 0;
            _node.TcpOut.UrgentPointer = 0;
            _node.TcpOut.MaximumSegmentSize = 0;
            _node.TcpOut.WindowScale = TcpRepr.NoWindowScale;
            _node.TcpOut.SackPermitted = false;
            _node.TcpOut.HasTimestamps = false;
            _node.TcpOut.PayloadLength = 0;
            _node.TcpOut.Emit(frame.Data, frame.Offset + EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength, local, remote);
            SendIp(frame, IpProtocol.Tcp, local, remote, TcpPacket.MinimumHeaderLength);
        }

        // The host sandbox's egress listener, found among its sockets rather than kept in a field every pod would carry.
        private TcpSocket FindTransparentListener()
        {
            for (int i = 0; i < _tcpSockets.Length; i++)
            {
                if (_tcpSockets[i] != null && _tcpSockets[i].Transparent && _tcpSockets[i].State == TcpState.Listen)
                {
                    return _tcpSockets[i];
                }
            }

            return null;
        }

        private TcpSocket FindListener(ushort port)
        {
            for (int i = 0; i < _tcpSockets.Length; i++)
            {
                if (_tcpSockets[i] != null && _tcpSockets[i].State == TcpState.Listen && _tcpSockets[i].LocalPort == port && !_tcpSockets[i].Transparent)
                {
                    return _tcpSockets[i];
                }
            }

            return null;
        }

        private int Pending(TcpSocket listener)
        {
            int n = 0;
            for (int i = 0; i < _tcpSockets.Length; i++)
            {
                if (_tcpSockets[i] != null && _tcpSockets[i].Parent == listener && !_tcpSockets[i].Accepted)
                {
                    n++;
                }
            }

            return n;
        }

        private ushort FreeEphemeralTcpPort(uint local, uint remote, ushort remotePort)
        {
            int start = (int)(_node.Random.NextUInt32() % EphemeralPorts);
            for (int i = 0; i < 64; i++)
            {
                ushort port = (ushort)(FirstEphemeralPort + (start + i) % EphemeralPorts);
                bool used = FindListener(port) != null;
                for (int j = 0; j < _tcpSockets.Length && !used; j++)
                {
                    used = _tcpSockets[j] != null && _tcpSockets[j].LocalPort == port;
                }

                if (!used)
                {
                    return port;
                }
            }

            return 0;
        }
    }
}
