namespace Edge.Dataplane.Wire
{
    /// <summary>
    /// The parsed form of a TCP header and the options Edge uses; reused across packets.
    /// Parse verifies the checksum (over the IPv4 pseudo-header) and walks the options:
    /// MSS, window scale, SACK-permitted and timestamps are read, SACK blocks are counted,
    /// unknown options are skipped by their length, a bad option length is Malformed.
    /// </summary>
    public sealed class TcpRepr
    {
        public const int NoWindowScale = -1;

        public ushort SourcePort;
        public ushort DestinationPort;
        public uint SequenceNumber;
        public uint AcknowledgmentNumber;

        /// <summary>Control bits, see <see cref="TcpFlags"/>.</summary>
        public byte Flags;

        /// <summary>The window field as sent, before any scaling.</summary>
        public ushort Window;

        public ushort UrgentPointer;

        /// <summary>0 when the segment carried no MSS option.</summary>
        public ushort MaximumSegmentSize;

        /// <summary>The shift count (0-14), or <see cref="NoWindowScale"/> when absent.</summary>
        public int WindowScale = NoWindowScale;

        public bool SackPermitted;

        /// <summary>SACK blocks present (read past, not kept).</summary>
        public int SackBlockCount;

        public bool HasTimestamps;
        public uint TimestampValue;
        public uint TimestampEcho;

        /// <summary>Header length including options (set by Parse and Emit).</summary>
        public int HeaderLength;

        public int PayloadOffset;

        /// <summary>Bytes of data after the header; for Emit, the bytes the caller placed there.</summary>
        public int PayloadLength;

        public bool HasFlag(byte flag)
        {
            return (Flags & flag) != 0;
        }

        /// <summary>
        /// Parses a segment of exactly <paramref name="length"/> bytes (the IP payload) sent from
        /// <paramref name="source"/> to <paramref name="destination"/>.
        /// </summary>
        public WireError Parse(byte[] b, int offset, int length, uint source, uint destination)
        {
            return Parse(b, offset, length, source, destination, false);
        }

        /// <summary>Parses; with <paramref name="checksumKnownGood"/> (the node built the segment) the checksum is not summed again.</summary>
        public WireError Parse(byte[] b, int offset, int length, uint source, uint destination, bool checksumKnownGood)
        {
            WireError error = TcpPacket.Check(b, offset, length);
            if (error != WireError.None)
            {
                return error;
            }

            uint sum = checksumKnownGood ? 0 : Checksum.PseudoHeader(source, destination, IpProtocol.Tcp, length);
            if (!checksumKnownGood && Checksum.Finish(Checksum.Add(sum, b, offset, length)) != 0)
            {
                return WireError.BadChecksum;
            }

            int headerLength = (b[offset + TcpPacket.DataOffsetField] >> 4) * 4;
            MaximumSegmentSize = 0;
            WindowScale = NoWindowScale;
            SackPermitted = false;
            SackBlockCount = 0;
            HasTimestamps = false;
            TimestampValue = 0;
            TimestampEcho = 0;

            int i = offset + TcpPacket.MinimumHeaderLength;
            int end = offset + headerLength;
            while (i < end)
            {
                byte kind = b[i];
                if (kind == TcpOption.EndOfList)
                {
                    break;
                }

                if (kind == TcpOption.NoOperation)
                {
                    i++;
                    continue;
                }

                if (i + 1 >= end)
                {
                    return WireError.Malformed;
                }

                int optionLength = b[i + 1];
                if (optionLength < 2 || i + optionLength > end)
                {
                    return WireError.Malformed;
                }

                switch (kind)
                {
                    case TcpOption.MaximumSegmentSize:
                        if (optionLength != 4)
                        {
                            return WireError.Malformed;
                        }

                        MaximumSegmentSize = NetworkOrder.ReadU16(b, i + 2);
                        break;
                    case TcpOption.WindowScale:
                        if (optionLength != 3)
                        {
                            return WireError.Malformed;
                        }

                        WindowScale = b[i + 2] > TcpOption.MaximumWindowScale ? TcpOption.MaximumWindowScale : b[i + 2];
                        break;
                    case TcpOption.SackPermitted:
                        if (optionLength != 2)
                        {
                            return WireError.Malformed;
                        }

                        SackPermitted = true;
                        break;
                    case TcpOption.Sack:
                        if ((optionLength - 2) % 8 != 0)
                        {
                            return WireError.Malformed;
                        }

                        SackBlockCount = (optionLength - 2) / 8;
                        break;
                    case TcpOption.Timestamps:
                        if (optionLength != 10)
                        {
                            return WireError.Malformed;
                        }

                        HasTimestamps = true;
                        TimestampValue = NetworkOrder.ReadU32(b, i + 2);
                        TimestampEcho = NetworkOrder.ReadU32(b, i + 6);
                        break;
                }

                i += optionLength;
            }

            SourcePort = NetworkOrder.ReadU16(b, offset + TcpPacket.SourcePortField);
            DestinationPort = NetworkOrder.ReadU16(b, offset + TcpPacket.DestinationPortField);
            SequenceNumber = NetworkOrder.ReadU32(b, offset + TcpPacket.SequenceField);
            AcknowledgmentNumber = NetworkOrder.ReadU32(b, offset + TcpPacket.AcknowledgmentField);
            Flags = b[offset + TcpPacket.FlagsField];
            Window = NetworkOrder.ReadU16(b, offset + TcpPacket.WindowField);
            UrgentPointer = NetworkOrder.ReadU16(b, offset + TcpPacket.UrgentPointerField);
            HeaderLength = headerLength;
            PayloadOffset = end;
            PayloadLength = length - headerLength;
            return WireError.None;
        }

        /// <summary>
        /// The header length Emit will write for the options set: Linux's layout, MSS, then
        /// SACK-permitted and timestamps sharing a 12-byte block, then NOP + window scale.
        /// Payload goes at offset + this.
        /// </summary>
        public int EmitHeaderLength()
        {
            int length = TcpPacket.MinimumHeaderLength;
            if (MaximumSegmentSize != 0)
            {
                length += 4;
            }

            if (HasTimestamps)
            {
                length += 12;
            }
            else if (SackPermitted)
            {
                length += 4;
            }

            if (WindowScale != NoWindowScale)
            {
                length += 4;
            }

            return length;
        }

        /// <summary>
        /// Writes header and options at offset, then the checksum over them and the
        /// <see cref="PayloadLength"/> bytes the caller has placed at offset + <see cref="EmitHeaderLength"/>.
        /// </summary>
        public void Emit(byte[] b, int offset, uint source, uint destination)
        {
            int headerLength = EmitHeaderLength();
            NetworkOrder.WriteU16(b, offset + TcpPacket.SourcePortField, SourcePort);
            NetworkOrder.WriteU16(b, offset + TcpPacket.DestinationPortField, DestinationPort);
            NetworkOrder.WriteU32(b, offset + TcpPacket.SequenceField, SequenceNumber);
            NetworkOrder.WriteU32(b, offset + TcpPacket.AcknowledgmentField, AcknowledgmentNumber);
            b[offset + TcpPacket.DataOffsetField] = (byte)((headerLength / 4) << 4);
            b[offset + TcpPacket.FlagsField] = Flags;
            NetworkOrder.WriteU16(b, offset + TcpPacket.WindowField, Window);
            NetworkOrder.WriteU16(b, offset + TcpPacket.ChecksumField, 0);
            NetworkOrder.WriteU16(b, offset + TcpPacket.UrgentPointerField, UrgentPointer);

            int i = offset + TcpPacket.MinimumHeaderLength;
            if (MaximumSegmentSize != 0)
            {
                b[i] = TcpOption.MaximumSegmentSize;
                b[i + 1] = 4;
                NetworkOrder.WriteU16(b, i + 2, MaximumSegmentSize);
                i += 4;
            }

            if (HasTimestamps)
            {
                if (SackPermitted)
                {
                    b[i] = TcpOption.SackPermitted;
                    b[i + 1] = 2;
                }
                else
                {
                    b[i] = TcpOption.NoOperation;
                    b[i + 1] = TcpOption.NoOperation;
                }

                b[i + 2] = TcpOption.Timestamps;
                b[i + 3] = 10;
                NetworkOrder.WriteU32(b, i + 4, TimestampValue);
                NetworkOrder.WriteU32(b, i + 8, TimestampEcho);
                i += 12;
            }
            else if (SackPermitted)
            {
                b[i] = TcpOption.NoOperation;
                b[i + 1] = TcpOption.NoOperation;
                b[i + 2] = TcpOption.SackPermitted;
                b[i + 3] = 2;
                i += 4;
            }

            if (WindowScale != NoWindowScale)
            {
                b[i] = TcpOption.NoOperation;
                b[i + 1] = TcpOption.WindowScale;
                b[i + 2] = 3;
                b[i + 3] = (byte)WindowScale;
            }

            int segmentLength = headerLength + PayloadLength;
            uint sum = Checksum.PseudoHeader(source, destination, IpProtocol.Tcp, segmentLength);
            NetworkOrder.WriteU16(b, offset + TcpPacket.ChecksumField, Checksum.Finish(Checksum.Add(sum, b, offset, segmentLength)));
            HeaderLength = headerLength;
            PayloadOffset = offset + headerLength;
        }

        public override string ToString()
        {
            string text = "TCP " + SourcePort.ToString() + " > " + DestinationPort.ToString()
                + " [" + TcpFlags.Format(Flags) + "] seq " + SequenceNumber.ToString();
            if (HasFlag(TcpFlags.Ack))
            {
                text += ", ack " + AcknowledgmentNumber.ToString();
            }

            text += ", win " + Window.ToString();
            if (MaximumSegmentSize != 0)
            {
                text += ", mss " + MaximumSegmentSize.ToString();
            }

            if (SackPermitted)
            {
                text += ", sackOK";
            }

            if (HasTimestamps)
            {
                text += ", TS val " + TimestampValue.ToString() + " ecr " + TimestampEcho.ToString();
            }

            if (WindowScale != NoWindowScale)
            {
                text += ", wscale " + WindowScale.ToString();
            }

            return text + ", length " + PayloadLength.ToString();
        }
    }
}
