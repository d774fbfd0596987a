namespace Edge.Dataplane.Wire
{
    /// <summary>
    /// The classic libpcap file format (what tcpdump -w writes and Wireshark reads): a 24-byte
    /// file header, then per packet a 16-byte record header and the captured bytes. Edge writes
    /// microsecond little-endian files with link type Ethernet; it reads either byte order and
    /// either time resolution.
    /// </summary>
    public static class Pcap
    {
        public const int FileHeaderLength = 24;
        public const int RecordHeaderLength = 16;
        public const uint LinkTypeEthernet = 1;
        public const int DefaultSnapLength = 65535;

        private const uint MagicMicroseconds = 0xA1B2C3D4;
        private const uint MagicNanoseconds = 0xA1B23C4D;

        /// <summary>Writes a little-endian, microsecond file header.</summary>
        public static void EmitFileHeader(byte[] b, int offset, int snapLength, uint linkType)
        {
            WriteLe32(b, offset, MagicMicroseconds);
            WriteLe16(b, offset + 4, 2);
            WriteLe16(b, offset + 6, 4);
            WriteLe32(b, offset + 8, 0);
            WriteLe32(b, offset + 12, 0);
            WriteLe32(b, offset + 16, (uint)snapLength);
            WriteLe32(b, offset + 20, linkType);
        }

        /// <summary>Writes a record header for a packet of <paramref name="originalLength"/> bytes of which <paramref name="capturedLength"/> follow.</summary>
        public static void EmitRecordHeader(byte[] b, int offset, uint seconds, uint microseconds, int capturedLength, int originalLength)
        {
            WriteLe32(b, offset, seconds);
            WriteLe32(b, offset + 4, microseconds);
            WriteLe32(b, offset + 8, (uint)capturedLength);
            WriteLe32(b, offset + 12, (uint)originalLength);
        }

        /// <summary>
        /// Reads a file header. On success <paramref name="format"/> says how to read the records
        /// (see <see cref="PcapFormat"/>) and <paramref name="linkType"/> is the link type.
        /// </summary>
        public static WireError ParseFileHeader(byte[] b, int offset, int length, PcapFormat format, out uint linkType)
        {
            linkType = 0;
            if (!WireErrors.InBounds(b, offset, length) || length < FileHeaderLength)
            {
                return WireError.Truncated;
            }

            uint little = ReadLe32(b, offset);
            uint big = NetworkOrder.ReadU32(b, offset);
            if (little == MagicMicroseconds || little == MagicNanoseconds)
            {
                format.BigEndian = false;
                format.Nanoseconds = little == MagicNanoseconds;
            }
            else if (big == MagicMicroseconds || big == MagicNanoseconds)
            {
                format.BigEndian = true;
                format.Nanoseconds = big == MagicNanoseconds;
            }
            else
            {
                return WireError.Malformed;
            }

            format.SnapLength = (int)(Read32(b, offset + 16, format.BigEndian) & 0x7FFFFFFF);
            linkType = Read32(b, offset + 20, format.BigEndian) & 0x0FFFFFFF;
            return WireError.None;
        }

        /// <summary>Reads a record header; the captured bytes follow it.</summary>
        public static WireError ParseRecordHeader(byte[] b, int offset, int length, PcapFormat format, PcapRecord record)
        {
            if (!WireErrors.InBounds(b, offset, length) || length < RecordHeaderLength)
            {
                return WireError.Truncated;
            }

            record.Seconds = Read32(b, offset, format.BigEndian);
            uint fraction = Read32(b, offset + 4, format.BigEndian);
            record.Microseconds = format.Nanoseconds ? fraction / 1000 : fraction;
            uint captured = Read32(b, offset + 8, format.BigEndian);
            uint original = Read32(b, offset + 12, format.BigEndian);
            if (captured > 0x0FFFFFFF || original > 0x0FFFFFFF)
            {
                return WireError.Malformed;
            }

            record.CapturedLength = (int)captured;
            record.OriginalLength = (int)original;
            return WireError.None;
        }

        private static uint Read32(byte[] b, int o, bool bigEndian)
        {
            return bigEndian ? NetworkOrder.ReadU32(b, o) : ReadLe32(b, o);
        }

        private static uint ReadLe32(byte[] b, int o)
        {
            return b[o] | ((uint)b[o + 1] << 8) | ((uint)b[o + 2] << 16) | ((uint)b[o + 3] << 24);
        }

        private static void WriteLe16(byte[] b, int o, ushort v)
        {
            b[o] = (byte)v;
            b[o + 1] = (byte)(v >> 8);
        }

        private static void WriteLe32(byte[] b, int o, uint v)
        {
            b[o] = (byte)v;
            b[o + 1] = (byte)(v >> 8);
            b[o + 2] = (byte)(v >> 16);
            b[o + 3] = (byte)(v >> 24);
        }
    }
}
