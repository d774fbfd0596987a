namespace Edge.Dataplane.Wire
{
    /// <summary>
    /// The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum
    /// of the data taken as big-endian 16-bit words, an odd final byte padded with zero.
    ///
    /// Sums are carried in a 32-bit accumulator and folded once at the end; a datagram of at most
    /// 65,535 bytes plus a pseudo-header cannot overflow it. NAT rewrites use the incremental
    /// update of RFC 1624 instead of summing the packet again.
    /// </summary>
    public static class Checksum
    {
        /// <summary>
        /// Adds the bytes [offset, offset + length) to an unfolded accumulator. RFC 1071 §2(B):
        /// the sum is independent of byte order, so the bytes at even offsets (each word's high
        /// byte) and at odd offsets are summed apart, eight bytes a round, and joined once: an
        /// interpreter pays per operation, and this does a third fewer than summing words. The
        /// partial sums cannot overflow below 2^24 bytes, far past a 64 KiB datagram.
        /// </summary>
        public static uint Add(uint accumulator, byte[] b, int offset, int length)
        {
            uint high = 0;
            uint low = 0;
            int i = offset;
            int end = offset + length;
            int roundsEnd = offset + (length & ~7);
            while (i < roundsEnd)
            {
                high += (uint)(b[i] + b[i + 2] + b[i + 4] + b[i + 6]);
                low += (uint)(b[i + 1] + b[i + 3] + b[i + 5] + b[i + 7]);
                i += 8;
            }

            while (i + 1 < end)
            {
                high += b[i];
                low += b[i + 1];
                i += 2;
            }

            if (i < end)
            {
                high += b[i];
            }

            return accumulator + (high << 8) + low;
        }

        /// <summary>
        /// The sum of the IPv4 pseudo-header that UDP (RFC 768) and TCP (RFC 9293 §3.1) include:
        /// source, destination, zero, protocol, and the upper-layer length.
        /// </summary>
        public static uint PseudoHeader(uint source, uint destination, byte protocol, int upperLayerLength)
        {
            return (source >> 16) + (source & 0xFFFF)
                + (destination >> 16) + (destination & 0xFFFF)
                + protocol + (uint)upperLayerLength;
        }

        /// <summary>Folds the carries back in and complements: the value to put in a checksum field.</summary>
        public static ushort Finish(uint accumulator)
        {
            accumulator = (accumulator & 0xFFFF) + (accumulator >> 16);
            accumulator = (accumulator & 0xFFFF) + (accumulator >> 16);
            return (ushort)~accumulator;
        }

        /// <summary>The checksum of [offset, offset + length) alone.</summary>
        public static ushort Compute(byte[] b, int offset, int length)
        {
            return Finish(Add(0, b, offset, length));
        }

        /// <summary>
        /// RFC 1624 eqn. 3, HC' = ~(~HC + ~m + m'): the checksum after one 16-bit word of the
        /// covered data changed from <paramref name="oldWord"/> to <paramref name="newWord"/>.
        /// Unlike eqn. 2 it never produces the 0xFFFF/0x0000 ambiguity RFC 1624 §3 describes.
        /// </summary>
        public static ushort Update16(ushort checksum, ushort oldWord, ushort newWord)
        {
            uint sum = (uint)(~checksum & 0xFFFF) + (uint)(~oldWord & 0xFFFF) + newWord;
            sum = (sum & 0xFFFF) + (sum >> 16);
            sum = (sum & 0xFFFF) + (sum >> 16);
            return (ushort)~sum;
        }

        /// <summary>
        /// The checksum after an address and a port it covers changed together (a transport
        /// checksum under NAT: the pseudo-header's address and the header's port), eqn. 3 over the
        /// three words in one sum.
        /// </summary>
        public static ushort Update48(ushort checksum, uint oldAddress, uint newAddress, ushort oldPort, ushort newPort)
        {
            uint sum = (uint)(~checksum & 0xFFFF)
                + (uint)(~(oldAddress >> 16) & 0xFFFF) + (newAddress >> 16)
                + (uint)(~oldAddress & 0xFFFF) + (newAddress & 0xFFFF)
                + (uint)(~oldPort & 0xFFFF) + newPort;
            sum = (sum & 0xFFFF) + (sum >> 16);
            sum = (sum & 0xFFFF) + (sum >> 16);
            return (ushort)~sum;
        }

        /// <summary>The checksum after a 32-bit field (an IPv4 address) changed: two word updates.</summary>
        public static ushort Update32(ushort checksum, uint oldValue, uint newValue)
        {
            uint sum = (uint)(~checksum & 0xFFFF)
                + (uint)(~(oldValue >> 16) & 0xFFFF) + (newValue >> 16)
                + (uint)(~oldValue & 0xFFFF) + (newValue & 0xFFFF);
            sum = (sum & 0xFFFF) + (sum >> 16);
            sum = (sum & 0xFFFF) + (sum >> 16);
            return (ushort)~sum;
        }
    }
}
