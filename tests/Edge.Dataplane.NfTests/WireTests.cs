#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.NfTests.Golden;
using Edge.Dataplane.NfTests.Sim;
using Edge.Dataplane.Wire;
using nanoFramework.TestFramework;
using Assert = nanoFramework.TestFramework.Assert;

namespace Edge.Dataplane.NfTests
{
    /// <summary>
    /// The wire layer on the board's own interpreter: checksums and addresses, where integer
    /// width and overflow differ first; the golden frames (scapy's and the Linux kernel's) decoded
    /// layer by layer; and bad bytes answered with an error code, never an exception.
    /// </summary>
    [TestClass]
    public class WireTests
    {
        private const int TransportAt = 14 + 20;
        private static readonly uint PodA = Ipv4Address.FromOctets(10, 244, 1, 5);
        private static readonly uint PodB = Ipv4Address.FromOctets(10, 244, 2, 7);

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
        public void The_RFC_1071_example_sums_to_ddf2_and_an_odd_byte_is_padded_with_zero()
        {
            // RFC 1071 §3: 00 01 f2 03 f4 f5 f6 f7 has the one's complement sum ddf2.
            byte[] data = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
            Assert.AreEqual((ushort)(0xddf2 ^ 0xFFFF), Checksum.Compute(data, 0, data.Length));

            byte[] odd = { 0x12, 0x34, 0x56 };
            byte[] padded = { 0x12, 0x34, 0x56, 0x00 };
            Assert.AreEqual(Checksum.Compute(padded, 0, 4), Checksum.Compute(odd, 0, 3));
        }

        [TestMethod]
        public void Incremental_checksum_updates_match_a_full_recompute()
        {
            // NAT rewrites addresses and ports with RFC 1624 updates: every one must agree with
            // summing the header again, including the carries that wrap around 16 bits.
            var random = new SeededRandom(1624);
            byte[] header = new byte[20];
            for (int round = 0; round < 200; round++)
            {
                for (int i = 0; i < header.Length; i++)
                {
                    header[i] = (byte)random.NextUInt32();
                }

                NetworkOrder.WriteU16(header, 10, 0);
                ushort checksum = Checksum.Compute(header, 0, 20);
                uint oldAddress = NetworkOrder.ReadU32(header, 12);
                uint newAddress = random.NextUInt32();
                ushort oldWord = NetworkOrder.ReadU16(header, 4);
                ushort newWord = (ushort)random.NextUInt32();

                NetworkOrder.WriteU32(header, 12, newAddress);
                NetworkOrder.WriteU16(header, 4, newWord);
                ushort updated = Checksum.Update16(Checksum.Update32(checksum, oldAddress, newAddress), oldWord, newWord);

                Assert.AreEqual(Checksum.Compute(header, 0, 20), updated, "round " + round.ToString());
            }
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

            ulong mac;
            Assert.IsTrue(MacAddress.TryParse("02:42:0a:f4:02:07", out mac));
            Assert.AreEqual(0x02420af40207UL, mac);
            Assert.AreEqual("02:42:0a:f4:02:07", MacAddress.Format(mac));
        }

        [TestMethod]
        public void Network_order_reads_the_high_byte_first()
        {
            byte[] b = { 0x12, 0xb5, 0xff, 0xff, 0xff, 0xfe };
            Assert.AreEqual((ushort)4789, NetworkOrder.ReadU16(b, 0));
            Assert.AreEqual(0xfffffffeu, NetworkOrder.ReadU32(b, 2));
        }

        [TestMethod]
        public void Every_frame_the_Linux_kernel_sent_over_VXLAN_decodes_to_its_inner_layers()
        {
            var decoder = new FrameDecoder();
            byte[] file = GoldenFrames.KernelVxlanPcap;
            var format = new PcapFormat();
            var record = new PcapRecord();
            uint linkType;
            Assert.AreEqual((int)WireError.None, (int)Pcap.ParseFileHeader(file, 0, file.Length, format, out linkType));
            Assert.AreEqual(Pcap.LinkTypeEthernet, linkType);

            int frames = 0, arp = 0, icmp = 0, tcp = 0, fins = 0, payloadBytes = 0;
            for (int at = Pcap.FileHeaderLength; at < file.Length; at += Pcap.RecordHeaderLength + record.CapturedLength)
            {
                Assert.AreEqual((int)WireError.None, (int)Pcap.ParseRecordHeader(file, at, file.Length - at, format, record));
                WireError error = decoder.Decode(file, at + Pcap.RecordHeaderLength, record.CapturedLength);
                Assert.AreEqual((int)WireError.None, (int)error,
                    "frame " + frames.ToString() + ": " + WireErrors.Name(error) + " at " + FrameLayer.Name(decoder.FailedLayer));
                Assert.IsTrue(decoder.Has(FrameLayer.Vxlan));
                Assert.AreEqual(1u, decoder.Vxlan.Vni);
                Assert.AreEqual(VxlanHeader.IanaPort, decoder.Udp.DestinationPort);
                frames++;
                arp += decoder.Has(FrameLayer.InnerArp) ? 1 : 0;
                icmp += decoder.Has(FrameLayer.InnerIcmp) ? 1 : 0;
                if (decoder.Has(FrameLayer.InnerTcp))
                {
                    tcp++;
                    fins += decoder.InnerTcp.HasFlag(TcpFlags.Fin) ? 1 : 0;
                    payloadBytes += decoder.InnerTcp.PayloadLength;
                }
            }

            // What tshark shows: ARP who-has and is-at, ping -c 2, and a curl GET with its FIN exchange.
            Assert.AreEqual(19, frames);
            Assert.AreEqual(2, arp);
            Assert.AreEqual(4, icmp);
            Assert.AreEqual(13, tcp);
            Assert.AreEqual(2, fins);
            Assert.AreEqual(74 + 155 + 187, payloadBytes); // the request, and the response's head and body
        }

        [TestMethod]
        public void A_VXLAN_frame_decodes_layer_by_layer_down_to_the_inner_TCP_segment()
        {
            var decoder = new FrameDecoder();
            byte[] frame = GoldenFrames.VxlanTcpHttpGet;

            Assert.AreEqual((int)WireError.None, (int)decoder.Decode(frame, 0, frame.Length));

            Assert.AreEqual(FrameLayer.Ethernet | FrameLayer.Ipv4 | FrameLayer.Udp | FrameLayer.Vxlan
                | FrameLayer.InnerEthernet | FrameLayer.InnerIpv4 | FrameLayer.InnerTcp, decoder.Layers);
            Assert.AreEqual(Ipv4Address.FromOctets(192, 168, 50, 11), decoder.Ipv4.Source);
            Assert.IsFalse(decoder.Udp.HasChecksum);
            Assert.AreEqual(1u, decoder.Vxlan.Vni);
            Assert.AreEqual(0x02420af40207UL, decoder.InnerEthernet.Destination);
            Assert.AreEqual(PodB, decoder.InnerIpv4.Destination);
            Assert.AreEqual((byte)63, decoder.InnerIpv4.Ttl);
            Assert.AreEqual((ushort)80, decoder.InnerTcp.DestinationPort);
            Assert.AreEqual(1000001u, decoder.InnerTcp.SequenceNumber);
            Assert.AreEqual(67, decoder.InnerTcp.PayloadLength); // the GET request line and three headers
            Assert.AreEqual((byte)'G', frame[decoder.InnerTcp.PayloadOffset]);
        }

        [TestMethod]
        public void Every_scapy_frame_decodes_but_fragments_which_are_unsupported()
        {
            var decoder = new FrameDecoder();
            for (int i = 0; i < GoldenFrames.All.Length; i++)
            {
                string name = GoldenFrames.Names[i];
                byte[] frame = GoldenFrames.All[i];
                bool fragment = name == "ipv4-first-fragment" || name == "ipv4-later-fragment";

                WireError error = decoder.Decode(frame, 0, frame.Length);

                Assert.AreEqual((int)(fragment ? WireError.Unsupported : WireError.None), (int)error,
                    name + ": " + WireErrors.Name(error) + " at " + FrameLayer.Name(decoder.FailedLayer));
                Assert.IsTrue(decoder.Has(FrameLayer.Ethernet), name);
            }
        }

        [TestMethod]
        public void Every_truncation_of_a_golden_frame_is_reported_as_truncated_never_thrown()
        {
            var decoder = new FrameDecoder();
            byte[][] frames = { GoldenFrames.VxlanTcpHttpGet, GoldenFrames.VxlanArpRequest, GoldenFrames.IcmpPortUnreachable, GoldenFrames.TcpSyn, GoldenFrames.UdpDnsQuery };
            for (int f = 0; f < frames.Length; f++)
            {
                byte[] frame = frames[f];
                // Cut anywhere short of the whole: the layer whose length field promised the missing bytes says so.
                for (int length = 0; length < frame.Length; length++)
                {
                    WireError error = decoder.Decode(frame, 0, length);
                    Assert.AreEqual((int)WireError.Truncated, (int)error,
                        "frame " + f.ToString() + " cut at " + length.ToString() + ": " + WireErrors.Name(error) + " at " + FrameLayer.Name(decoder.FailedLayer));
                }
            }
        }

        [TestMethod]
        public void Random_garbage_and_random_damage_decode_to_an_error_code_never_an_exception()
        {
            var decoder = new FrameDecoder();
            var random = new SeededRandom(7);
            byte[] garbage = new byte[200];
            for (int round = 0; round < 300; round++)
            {
                int length = (int)(random.NextUInt32() % 200);
                for (int i = 0; i < length; i++)
                {
                    garbage[i] = (byte)random.NextUInt32();
                }

                int error = (int)decoder.Decode(garbage, 0, length);
                Assert.IsTrue(error >= 0 && error < WireErrors.Count);
            }

            for (int round = 0; round < 300; round++)
            {
                byte[] frame = GoldenFrames.Copy(GoldenFrames.All[round % GoldenFrames.All.Length]);
                frame[(int)(random.NextUInt32() % (uint)frame.Length)] ^= (byte)(1 + random.NextUInt32() % 255);

                int error = (int)decoder.Decode(frame, 0, frame.Length);
                Assert.IsTrue(error >= 0 && error < WireErrors.Count);
            }
        }

        [TestMethod]
        public void A_flipped_bit_in_the_inner_TCP_segment_fails_its_checksum_and_names_the_layer()
        {
            var decoder = new FrameDecoder();
            int innerTcp = 14 + 20 + 8 + 8 + 14 + 20;
            for (int at = innerTcp; at < GoldenFrames.VxlanTcpHttpGet.Length; at += 7)
            {
                byte[] frame = GoldenFrames.Copy(GoldenFrames.VxlanTcpHttpGet);
                frame[at] ^= 0x04;

                Assert.AreEqual((int)WireError.BadChecksum, (int)decoder.Decode(frame, 0, frame.Length), "bit flipped at " + at.ToString());
                Assert.AreEqual(FrameLayer.InnerTcp, decoder.FailedLayer);
            }

            Assert.AreEqual("inner TCP", FrameLayer.Name(FrameLayer.InnerTcp));
            Assert.AreEqual("bad-checksum", WireErrors.Name(WireError.BadChecksum));
        }

        [TestMethod]
        public void The_UDP_checksum_covers_the_pseudo_header_and_zero_means_none()
        {
            var udp = new UdpRepr();
            byte[] query = GoldenFrames.UdpDnsQuery;
            uint dns = Ipv4Address.FromOctets(10, 96, 0, 10);

            Assert.AreEqual((int)WireError.None, (int)udp.Parse(query, TransportAt, query.Length - TransportAt, PodA, dns));
            Assert.AreEqual((ushort)53000, udp.SourcePort);
            Assert.AreEqual((ushort)53, udp.DestinationPort);
            Assert.IsTrue(udp.HasChecksum);
            Assert.AreEqual((ushort)0xbeef, NetworkOrder.ReadU16(query, udp.PayloadOffset)); // the DNS id
            Assert.AreEqual((int)WireError.BadChecksum, (int)udp.Parse(query, TransportAt, query.Length - TransportAt, PodA, dns + 1));

            byte[] noChecksum = GoldenFrames.Copy(GoldenFrames.UdpZeroChecksum);
            noChecksum[noChecksum.Length - 1] ^= 0xFF;
            Assert.AreEqual((int)WireError.None, (int)udp.Parse(noChecksum, TransportAt, noChecksum.Length - TransportAt, PodA, PodB));
            Assert.IsFalse(udp.HasChecksum);

            // Built again from its fields, the datagram is scapy's byte for byte.
            byte[] built = new byte[query.Length - TransportAt];
            System.Array.Copy(query, TransportAt + 8, built, 8, built.Length - 8);
            var repr = new UdpRepr { SourcePort = 53000, DestinationPort = 53, HasChecksum = true, PayloadLength = built.Length - 8 };
            repr.Emit(built, 0, PodA, dns);
            for (int i = 0; i < built.Length; i++)
            {
                Assert.AreEqual(query[TransportAt + i], built[i], "byte " + i.ToString());
            }
        }

        [TestMethod]
        public void ICMP_echo_parses_and_a_reply_built_from_its_fields_is_scapys()
        {
            var icmp = new IcmpRepr();
            byte[] request = GoldenFrames.IcmpEchoRequest;
            Assert.AreEqual((int)WireError.None, (int)icmp.Parse(request, TransportAt, request.Length - TransportAt));
            Assert.AreEqual(IcmpType.EchoRequest, icmp.Type);
            Assert.AreEqual((ushort)0x4242, icmp.Identifier);
            Assert.AreEqual((ushort)1, icmp.SequenceNumber);
            Assert.AreEqual(26, icmp.DataLength); // "edge-ping-0123456789abcdef"

            byte[] golden = GoldenFrames.IcmpEchoReply;
            byte[] built = new byte[golden.Length - TransportAt];
            System.Array.Copy(golden, TransportAt + 8, built, 8, built.Length - 8);
            var reply = new IcmpRepr { Type = IcmpType.EchoReply, Identifier = 0x4242, SequenceNumber = 1, DataLength = built.Length - 8 };
            reply.Emit(built, 0);
            for (int i = 0; i < built.Length; i++)
            {
                Assert.AreEqual(golden[TransportAt + i], built[i], "byte " + i.ToString());
            }

            byte[] damaged = GoldenFrames.Copy(request);
            damaged[damaged.Length - 1] ^= 0x80;
            Assert.AreEqual((int)WireError.BadChecksum, (int)icmp.Parse(damaged, TransportAt, damaged.Length - TransportAt));

            // Port unreachable carries the datagram that caused it.
            byte[] error = GoldenFrames.IcmpPortUnreachable;
            Assert.AreEqual((int)WireError.None, (int)icmp.Parse(error, TransportAt, error.Length - TransportAt));
            Assert.AreEqual(IcmpType.PortUnreachable, icmp.Code);
            var inner = new Ipv4Repr();
            Assert.AreEqual((int)WireError.None, (int)inner.Parse(error, icmp.DataOffset, icmp.DataLength));
            Assert.AreEqual(PodA, inner.Source);
            Assert.AreEqual((ushort)9999, NetworkOrder.ReadU16(error, inner.PayloadOffset + 2));
        }

        [TestMethod]
        public void A_Linux_style_SYN_parses_with_its_options_and_is_built_again_byte_for_byte()
        {
            var tcp = new TcpRepr();
            byte[] syn = GoldenFrames.TcpSyn;

            Assert.AreEqual((int)WireError.None, (int)tcp.Parse(syn, TransportAt, syn.Length - TransportAt, PodA, PodB));
            Assert.AreEqual((ushort)43512, tcp.SourcePort);
            Assert.AreEqual(1000000u, tcp.SequenceNumber);
            Assert.AreEqual(TcpFlags.Syn, tcp.Flags);
            Assert.AreEqual((ushort)64240, tcp.Window);
            Assert.AreEqual((ushort)1460, tcp.MaximumSegmentSize);
            Assert.IsTrue(tcp.SackPermitted);
            Assert.IsTrue(tcp.HasTimestamps);
            Assert.AreEqual(2018915346u, tcp.TimestampValue);
            Assert.AreEqual(7, tcp.WindowScale);
            Assert.AreEqual(40, tcp.HeaderLength);

            var repr = new TcpRepr
            {
                SourcePort = 43512, DestinationPort = 80, SequenceNumber = 1000000, Flags = TcpFlags.Syn, Window = 64240,
                MaximumSegmentSize = 1460, SackPermitted = true, HasTimestamps = true, TimestampValue = 2018915346, WindowScale = 7,
            };
            byte[] built = new byte[repr.EmitHeaderLength()];
            repr.Emit(built, 0, PodA, PodB);
            Assert.AreEqual(syn.Length - TransportAt, built.Length);
            for (int i = 0; i < built.Length; i++)
            {
                Assert.AreEqual(syn[TransportAt + i], built[i], "byte " + i.ToString());
            }

            // The pseudo-header is in the checksum: the same bytes between other addresses fail.
            Assert.AreEqual((int)WireError.BadChecksum, (int)tcp.Parse(syn, TransportAt, syn.Length - TransportAt, PodA, PodA));
        }
    }
}
