using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Mgmt
{
    /// <summary>
    /// The host-board frame, the same on a serial line and on TCP:
    /// <code>
    /// | 'E' 'g' | version | type | request id (2) | payload length (2) | payload ... | CRC-32 (4) |
    /// </code>
    /// The CRC covers version through payload. A reader that meets garbage (boot messages on
    /// the console UART, line noise) skips to the next magic whose length and CRC check out,
    /// so one bad byte costs one frame, never the session.
    /// </summary>
    public static class Frame
    {
        public const byte Magic1 = (byte)'E';
        public const byte Magic2 = (byte)'g';
        public const byte Version = 1;
        public const int HeaderLength = 8;
        public const int TrailerLength = 4;

        /// <summary>Largest payload: a snapshot of a full WROOM board's tables fits.</summary>
        public const int MaxPayload = 16384;

        /// <summary>Writes a frame around the payload already at b[offset + HeaderLength]; returns the frame length.</summary>
        public static int Seal(byte[] b, int offset, byte type, ushort requestId, int payloadLength)
        {
            WriteHeader(b, offset, type, requestId, payloadLength);
            return WriteCrc(b, offset, payloadLength);
        }

        /// <summary>The header alone (an authenticated frame's MAC covers it before the CRC is written).</summary>
        public static void WriteHeader(byte[] b, int offset, byte type, ushort requestId, int payloadLength)
        {
            b[offset] = Magic1;
            b[offset + 1] = Magic2;
            b[offset + 2] = Version;
            b[offset + 3] = type;
            NetworkOrder.WriteU16(b, offset + 4, requestId);
            NetworkOrder.WriteU16(b, offset + 6, (ushort)payloadLength);
        }

        /// <summary>The CRC after the header and payload; returns the frame length.</summary>
        public static int WriteCrc(byte[] b, int offset, int payloadLength)
        {
            uint crc = Crc32.Compute(b, offset + 2, HeaderLength - 2 + payloadLength);
            NetworkOrder.WriteU32(b, offset + HeaderLength + payloadLength, crc);
            return HeaderLength + payloadLength + TrailerLength;
        }
    }
}
