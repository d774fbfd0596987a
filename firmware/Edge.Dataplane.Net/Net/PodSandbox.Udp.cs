using Edge.Dataplane.Net.Tcp;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Net
{
    /// <summary>The pod sandbox's UDP (RFC 768): sockets by port, datagrams in and out, ephemeral ports.</summary>
    public sealed partial class PodSandbox
    {
        // Allocated when first needed: most pods never talk to themselves or open a UDP or echo
        // socket (a whoami pod only listens), and each of these is a few hundred bytes on a small
        // board's heap.
        private static readonly UdpSocket[] NoUdpSockets = new UdpSocket[0];

        private UdpSocket[] _udpSockets = NoUdpSockets;

        /// <summary>Opens a UDP socket on a port (0 picks a free ephemeral port); null when the port is taken or the pod has no socket left.</summary>
        public UdpSocket OpenUdp(ushort port)
        {
            return OpenUdp(port, _node.Config.UdpReceiveBuffer);
        }

        /// <summary>As <see cref="OpenUdp(ushort)"/>, with a receive queue of its own size.</summary>
        public UdpSocket OpenUdp(ushort port, int receiveBuffer)
        {
            if (port == 0)
            {
                port = FreeEphemeralUdpPort();
                if (port == 0)
                {
                    _node.Drops.Count(DropReason.SocketLimit);
                    return null;
                }
            }
            else if (FindUdp(port) != null)
            {
                return null;
            }

            if (_udpSockets.Length == 0)
            {
                _udpSockets = new UdpSocket[_node.Config.MaxSocketsPerPod];
            }

            int slot = FreeSlot(_udpSockets);
            if (slot < 0 || SocketCount() >= _node.Config.MaxSocketsPerPod)
            {
                _node.Drops.Count(DropReason.SocketLimit);
                return null;
            }

            UdpSocket socket = new UdpSocket(this, port, receiveBuffer);
            _udpSockets[slot] = socket;
            return socket;
        }

        // The slots go with the last socket of their kind, as they came with the first: a pod
        // that once resolved a name or sent a datagram holds no table of sockets it no longer has.
        internal void CloseUdp(UdpSocket socket)
        {
            int open = 0;
            for (int i = 0; i < _udpSockets.Length; i++)
            {
                if (_udpSockets[i] == socket)
                {
                    _udpSockets[i] = null;
                }

                open += _udpSockets[i] != null ? 1 : 0;
            }

            if (open == 0)
            {
                _udpSockets = NoUdpSockets;
            }

            socket.Closed = true;
        }

        internal bool SendUdp(ushort sourcePort, uint destination, ushort destinationPort, byte[] data, int offset, int length)
        {
            uint source = (destination >> 24) == 127 ? LoopbackAddress : (uint)(_addresses >> 32); // SourceFor, in this body: every datagram a pod sends
            return SendUdpFrom(source, sourcePort, destination, destinationPort, data, offset, length);
        }

        /// <summary>
        /// Sends a datagram with any source address: the host sandbox answers for outside
        /// servers this way (pod egress over UDP), so the pod sees the reply from whom it asked.
        /// </summary>
        public bool SendUdpFrom(uint source, ushort sourcePort, uint destination, ushort destinationPort, byte[] data, int offset, int length)
        {
            if (length > PacketBuffer.MaximumFrame - EthernetFrame.HeaderLength - Ipv4Packet.MinimumHeaderLength - UdpPacket.HeaderLength)
            {
                _node.Drops.Count(DropReason.TooBig);
                return false;
            }

            PacketBuffer frame = Rent();
            if (frame == null)
            {
                return false;
            }

            int ipAt = frame.Offset + EthernetFrame.HeaderLength;
            int udpAt = ipAt + Ipv4Packet.MinimumHeaderLength;
            System.Array.Copy(data, offset, frame.Data, udpAt + UdpPacket.HeaderLength, length);
            UdpRepr udp = _node.UdpIn;
            udp.SourcePort = sourcePort;
            udp.DestinationPort = destinationPort;
            udp.HasChecksum = true;
            udp.PayloadLength = length;
            udp.Emit(frame.Data, udpAt, source, destination);
            SendIp(frame, IpProtocol.Udp, source, destination, UdpPacket.HeaderLength + length);
            return true;
        }

        private void InputUdp(PacketBuffer frame, long now)
        {
            Ipv4Repr ip = _node.IpIn;
            UdpRepr udp = _node.UdpIn;
            WireError error = udp.Parse(frame.Data, ip.PayloadOffset, ip.PayloadLength, ip.Source, ip.Destination, frame.ChecksumsValid);
            if (error != WireError.None)
            {
                Drop(frame, DropReason.Of(error));
                return;
            }

            bool transparent = TransparentInput;
            UdpSocket socket = transparent ? null : FindUdp(udp.DestinationPort);
            if (socket == null && transparent && TransparentUdp != null)
            {
                TransparentUdp.OnDatagram(ip.Source, udp.SourcePort, ip.Destination, udp.DestinationPort,
                    frame.Data, udp.PayloadOffset, udp.PayloadLength, now);
                _node.Pool.Return(frame);
                return;
            }

            if (socket == null)
            {
                Unreachable(frame, IcmpType.PortUnreachable, now);
                return;
            }

            socket.Deliver(ip.Source, udp.SourcePort, ip.Destination, frame.Data, udp.PayloadOffset, udp.PayloadLength);
            _node.Pool.Return(frame);
        }

        private UdpSocket FindUdp(ushort port)
        {
            UdpSocket[] sockets = _udpSockets;
            for (int i = 0; i < sockets.Length; i++)
            {
                UdpSocket s = sockets[i];
                if (s != null && s.LocalPort == port)
                {
                    return s;
                }
            }

            return null;
        }

        private ushort FreeEphemeralUdpPort()
        {
            int start = (int)(_node.Random.NextUInt32() % EphemeralPorts);
            for (int i = 0; i < 64; i++)
            {
                ushort port = (ushort)(FirstEphemeralPort + (start + i) % EphemeralPorts);
                if (FindUdp(port) == null)
                {
                    return port;
                }
            }

            return 0;
        }

        private static int FreeSlot(UdpSocket[] sockets)
        {
            for (int i = 0; i < sockets.Length; i++)
            {
                if (sockets[i] == null)
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
