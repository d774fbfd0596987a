using Edge.Dataplane.Net.Tcp;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Net
{
    /// <summary>The pod sandbox's ICMP (RFC 792): echo sockets (ping), errors received (RFC 1122 §4.2.3.9) and sent (port unreachable).</summary>
    public sealed partial class PodSandbox
    {
        private static readonly IcmpEchoSocket[] NoEchoSockets = new IcmpEchoSocket[0];

        private IcmpEchoSocket[] _echoSockets = NoEchoSockets;

        /// <summary>Opens an ICMP echo socket (what ping uses) with a fresh identifier.</summary>
        public IcmpEchoSocket OpenEcho()
        {
            if (_echoSockets.Length == 0)
            {
                _echoSockets = new IcmpEchoSocket[_node.Config.MaxSocketsPerPod];
            }

            for (int i = 0; i < _echoSockets.Length; i++)
            {
                if (_echoSockets[i] == null && SocketCount() < _node.Config.MaxSocketsPerPod)
                {
                    _echoSockets[i] = new IcmpEchoSocket(this, NextId());
                    return _echoSockets[i];
                }
            }

            _node.Drops.Count(DropReason.SocketLimit);
            return null;
        }

        internal void CloseEcho(IcmpEchoSocket socket)
        {
            int open = 0;
            for (int i = 0; i < _echoSockets.Length; i++)
            {
                if (_echoSockets[i] == socket)
                {
                    _echoSockets[i] = null;
                }

                open += _echoSockets[i] != null ? 1 : 0;
            }

            if (open == 0)
            {
                _echoSockets = NoEchoSockets;
            }

            socket.Closed = true;
        }

        internal bool SendEchoRequest(uint destination, ushort identifier, ushort sequence, int dataLength)
        {
            if (dataLength < 0 || dataLength > 1400)
            {
                return false;
            }

            PacketBuffer frame = Rent();
            if (frame == null)
            {
                return false;
            }

            int icmpAt = frame.Offset + EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength;
            for (int i = 0; i < dataLength; i++)
            {
                frame.Data[icmpAt + IcmpPacket.HeaderLength + i] = (byte)(0x10 + i);
            }

            _node.IcmpIn.Type = IcmpType.EchoRequest;
            _node.IcmpIn.Code = 0;
            _node.IcmpIn.Identifier = identifier;
            _node.IcmpIn.SequenceNumber = sequence;
            _node.IcmpIn.DataLength = dataLength;
            _node.IcmpIn.Emit(frame.Data, icmpAt);
            SendIp(frame, IpProtocol.Icmp, SourceFor(destination), destination, IcmpPacket.HeaderLength + dataLength);
            return true;
        }

        private void InputIcmp(PacketBuffer frame, long now)
        {
            WireError error = _node.IcmpIn.Parse(frame.Data, _node.IpIn.PayloadOffset, _node.IpIn.PayloadLength, frame.ChecksumsValid);
            if (error != WireError.None)
            {
                Drop(frame, DropReason.Of(error));
                return;
            }

            if (_node.IcmpIn.Type == IcmpType.EchoRequest && !IsBroadcast(_node.IpIn.Destination))
            {
                // Answer in the same buffer: the data stays where it is.
                int dataLength = _node.IcmpIn.DataLength;
                uint to = _node.IpIn.Source;
                uint from = _node.IpIn.Destination;
                _node.IcmpIn.Type = IcmpType.EchoReply;
                _node.IcmpIn.Emit(frame.Data, _node.IpIn.PayloadOffset);
                frame.Offset = PacketBuffer.Headroom;
                if (_node.IpIn.PayloadOffset != frame.Offset + EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength)
                {
                    // Options in the request: move the message up behind a plain header.
                    System.Array.Copy(frame.Data, _node.IpIn.PayloadOffset, frame.Data,
                        frame.Offset + EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength, IcmpPacket.HeaderLength + dataLength);
                }

                SendIp(frame, IpProtocol.Icmp, from, to, IcmpPacket.HeaderLength + dataLength);
                return;
            }

            if (_node.IcmpIn.Type == IcmpType.DestinationUnreachable)
            {
                NotifyUnreachable(frame.Data, _node.IcmpIn.DataOffset, _node.IcmpIn.DataLength, _node.IcmpIn.Code);
            }

            if (_node.IcmpIn.Type == IcmpType.EchoReply)
            {
                for (int i = 0; i < _echoSockets.Length; i++)
                {
                    if (_echoSockets[i] != null && _echoSockets[i].Identifier == _node.IcmpIn.Identifier)
                    {
                        _echoSockets[i].Deliver(_node.IpIn.Source, _node.IcmpIn.SequenceNumber, _node.IpIn.Ttl, now);
                        break;
                    }
                }
            }

            _node.Pool.Return(frame);
        }

        // RFC 1122 §4.2.3.9: port and protocol unreachable are hard errors; a connection still
        // opening gives up at once ("connection refused"), as a Linux client does.
        private void NotifyUnreachable(byte[] b, int offset, int length, byte code)
        {
            if (code != IcmpType.PortUnreachable && code != IcmpType.ProtocolUnreachable && code != IcmpType.AdministrativelyProhibited)
            {
                return;
            }

            if (length < Ipv4Packet.MinimumHeaderLength + 8 || b[offset + 9] != IpProtocol.Tcp)
            {
                return;
            }

            int headerLength = (b[offset] & 0x0F) * 4;
            if (headerLength < Ipv4Packet.MinimumHeaderLength || length < headerLength + 4)
            {
                return;
            }

            uint source = NetworkOrder.ReadU32(b, offset + 12);
            uint destination = NetworkOrder.ReadU32(b, offset + 16);
            ushort sourcePort = NetworkOrder.ReadU16(b, offset + headerLength);
            ushort destinationPort = NetworkOrder.ReadU16(b, offset + headerLength + 2);
            for (int i = 0; i < _tcpSockets.Length; i++)
            {
                TcpSocket s = _tcpSockets[i];
                if (s != null && s.State == TcpState.SynSent && s.Matches(source, sourcePort, destination, destinationPort))
                {
                    s.Refuse(code == IcmpType.AdministrativelyProhibited ? TcpError.Unreachable : TcpError.Refused);
                }
            }
        }

        /// <summary>Answers with ICMP destination unreachable (as a Linux host does for a closed UDP port), then drops.</summary>
        private void Unreachable(PacketBuffer frame, byte code, long now)
        {
            _node.Drops.Count(DropReason.NoSocket);
            bool broadcast = IsBroadcast(_node.IpIn.Destination);
            PacketBuffer error = broadcast ? null : Rent();
            if (error != null)
            {
                IcmpError errors = _node.PodErrors;
                int length = errors.Build(error, IcmpType.DestinationUnreachable, code, _node.IpIn.Destination,
                    frame.Data, frame.Offset + EthernetFrame.HeaderLength, frame.Length - EthernetFrame.HeaderLength, now);
                if (length > 0)
                {
                    uint to = errors.Destination;
                    if (IsLocal(to))
                    {
                        error.Length = EthernetFrame.HeaderLength + length;
                        if (!Loopback().Enqueue(error))
                        {
                            _node.Pool.Return(error);
                        }
                    }
                    else
                    {
                        _output.SendIp(error, length, to, now);
                    }
                }
                else
                {
                    _node.Pool.Return(error);
                }
            }

            _node.Pool.Return(frame);
        }
    }
}
