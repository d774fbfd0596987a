using Edge.Dataplane.Wire;
using nanoFramework.TestFramework;
using Assert = nanoFramework.TestFramework.Assert;

namespace Edge.Dataplane.NfTests
{
    /// <summary>The wire layer on the board's own interpreter: checksums and addresses, where integer width and overflow differ first.</summary>
    [TestClass]
    public class WireTests
    {
        [TestMethod]
        public void The_internet_checksum_of_an_IPv4_header_verifies_to_zero()
        {
            // A 20-byte IPv4 header (10.244.1.2 -> 10.244.2.3, TTL 64, UDP) with its checksum field zeroed.
            byte[] header = { 0x45, 0x00, 0x00, 0x1c, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00, 10, 244, 1, 2, 10, 244, 2, 3 };
            ushort sum = Checksum.Compute(header, 0, header.Length);
            header[10] = (byte)(sum >> 8);
            header[11] = (byte)sum;

            Assert.AreEqual((ushort)0, Checksum.Compute(header, 0, header.Length));
        }

        [TestMethod]
        public void Addresses_and_CIDRs_parse_and_format_back()
        {
            uint address;
            Assert.IsTrue(Ipv4Address.TryParse("10.244.1.2", out address));
            Assert.AreEqual(0x0AF40102u, address);
            Assert.AreEqual("10.244.1.2", Ipv4Address.Format(address));
            Assert.IsFalse(Ipv4Address.TryParse("10.244.1.256", out address));

            uint network;
            int prefix;
            Assert.IsTrue(Ipv4Address.TryParseCidr("10.244.3.0/24", out network, out prefix));
            Assert.AreEqual("10.244.3.0/24", Ipv4Address.FormatCidr(network, prefix));
        }

        [TestMethod]
        public void Network_order_reads_the_high_byte_first()
        {
            byte[] b = { 0x12, 0xb5, 0xff, 0xff, 0xff, 0xfe };
            Assert.AreEqual((ushort)4789, NetworkOrder.ReadU16(b, 0));
            Assert.AreEqual(0xfffffffeu, NetworkOrder.ReadU32(b, 2));
        }
    }
}
