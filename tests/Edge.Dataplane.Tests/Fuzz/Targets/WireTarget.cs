using Edge.Dataplane.Wire;

namespace Edge.Fuzz;

/// <summary>
/// Wire: an Ethernet frame through <see cref="FrameDecoder"/> (outer layers, VXLAN, inner
/// layers) as it came and with its checksums fixed; every Repr's Parse on the bytes alone
/// (checksums verified and trusted) with its invariants and an Emit round trip; the views'
/// checked wraps and their getters; and the bytes as a pcap file the way `edgectl decode` reads one.
/// </summary>
public sealed class WireTarget : FuzzTarget
{
    private readonly FrameDecoder _decoder = new();
    private readonly EthernetRepr _ethernet = new();
    private readonly ArpRepr _arp = new();
    private readonly Ipv4Repr _ip = new();
    private readonly IcmpRepr _icmp = new();
    private readonly UdpRepr _udp = new();
    private readonly TcpRepr _tcp = new();
    private readonly VxlanRepr _vxlan = new();
    private readonly EthernetRepr _ethernet2 = new();
    private readonly ArpRepr _arp2 = new();
    private readonly Ipv4Repr _ip2 = new();
    private readonly IcmpRepr _icmp2 = new();
    private readonly UdpRepr _udp2 = new();
    private readonly TcpRepr _tcp2 = new();
    private readonly VxlanRepr _vxlan2 = new();
    private readonly PcapFormat _pcap = new();
    private readonly PcapRecord _record = new();

    // Addresses for the pseudo-header when a transport header is parsed alone (the golden frames' pods).
    private static readonly uint Source = Ipv4Address.FromOctets(10, 244, 1, 5);
    private static readonly uint Destination = Ipv4Address.FromOctets(10, 244, 2, 7);

    public override string Name => "wire";

    public override string Covers => "FrameDecoder.Decode (with and without fixed checksums); Ethernet/ARP/IPv4/ICMP/UDP/TCP/VXLAN Repr.Parse + Emit round trip; views' TryWrap; Pcap headers";

    public override void Run(byte[] input)
    {
        byte[] b = (byte[])input.Clone();
        Decode(b, 0, b.Length);
        FrameChecksums.Fix(b, 0, b.Length);
        Decode(b, 0, b.Length);

        // At an offset inside a larger buffer, as a board's packet buffers hold frames after headroom.
        byte[] shifted = new byte[input.Length + 7];
        input.CopyTo(shifted, 3);
        _decoder.VxlanPort = 8472; // Linux's legacy port, as `edgectl decode --vxlan-port` allows
        _decoder.Decode(shifted, 3, input.Length);
        _decoder.VxlanPort = VxlanHeader.IanaPort;

        Layers(input, 0, input.Length);
        Layers(shifted, 3, input.Length);
        Views(input, 0, input.Length);
        PcapFile(input);
    }

    private void Decode(byte[] b, int offset, int length)
    {
        WireError error = _decoder.Decode(b, offset, length);
        int end = offset + length;
        if (error == WireError.None && _decoder.FailedLayer != FrameLayer.None)
        {
            throw new FuzzFinding("FrameDecoder: no error but a failed layer " + FrameLayer.Name(_decoder.FailedLayer));
        }

        if (_decoder.Has(FrameLayer.Ethernet))
        {
            FuzzTargets.Inside("Ethernet payload", _decoder.Ethernet.PayloadOffset, _decoder.Ethernet.PayloadLength, offset, end);
            _ = _decoder.Ethernet.ToString();
        }

        if (_decoder.Has(FrameLayer.Arp))
        {
            _ = _decoder.Arp.ToString();
        }

        if (_decoder.Has(FrameLayer.Ipv4))
        {
            FuzzTargets.Inside("IPv4 payload", _decoder.Ipv4.PayloadOffset, _decoder.Ipv4.PayloadLength, offset, end);
            _ = _decoder.Ipv4.ToString();
        }

        if (_decoder.Has(FrameLayer.Icmp))
        {
            FuzzTargets.Inside("ICMP data", _decoder.Icmp.DataOffset, _decoder.Icmp.DataLength, offset, end);
            _ = _decoder.Icmp.ToString();
        }

        if (_decoder.Has(FrameLayer.Udp))
        {
            FuzzTargets.Inside("UDP payload", _decoder.Udp.PayloadOffset, _decoder.Udp.PayloadLength, offset, end);
            _ = _decoder.Udp.ToString();
        }

        if (_decoder.Has(FrameLayer.Tcp))
        {
            FuzzTargets.Inside("TCP payload", _decoder.Tcp.PayloadOffset, _decoder.Tcp.PayloadLength, offset, end);
            _ = _decoder.Tcp.ToString();
        }

        if (_decoder.Has(FrameLayer.Vxlan))
        {
            FuzzTargets.Inside("VXLAN inner frame", _decoder.Vxlan.FrameOffset, _decoder.Vxlan.FrameLength, offset, end);
            _ = _decoder.Vxlan.ToString();
        }

        if (_decoder.Has(FrameLayer.InnerIpv4))
        {
            FuzzTargets.Inside("inner IPv4 payload", _decoder.InnerIpv4.PayloadOffset, _decoder.InnerIpv4.PayloadLength, offset, end);
        }

        if (_decoder.Has(FrameLayer.InnerTcp))
        {
            FuzzTargets.Inside("inner TCP payload", _decoder.InnerTcp.PayloadOffset, _decoder.InnerTcp.PayloadLength, offset, end);
        }

        if (_decoder.Has(FrameLayer.InnerUdp))
        {
            FuzzTargets.Inside("inner UDP payload", _decoder.InnerUdp.PayloadOffset, _decoder.InnerUdp.PayloadLength, offset, end);
        }

        _ = WireErrors.Name(error) + FrameLayer.Name(_decoder.FailedLayer);
    }

    // Every layer's parser on the bytes alone, both with the checksum summed and trusted.
    private void Layers(byte[] b, int offset, int length)
    {
        int end = offset + length;
        if (_ethernet.Parse(b, offset, length) == WireError.None)
        {
            FuzzTargets.Inside("Ethernet payload", _ethernet.PayloadOffset, _ethernet.PayloadLength, offset, end);
            RoundTripEthernet();
        }

        if (_arp.Parse(b, offset, length) == WireError.None)
        {
            RoundTripArp();
        }

        for (int trusted = 0; trusted < 2; trusted++)
        {
            bool known = trusted == 1;
            if (_ip.Parse(b, offset, length, known) == WireError.None)
            {
                if (_ip.HeaderLength < Ipv4Packet.MinimumHeaderLength || _ip.HeaderLength > Ipv4Packet.MaximumHeaderLength)
                {
                    throw new FuzzFinding("IPv4 header length " + _ip.HeaderLength);
                }

                FuzzTargets.Inside("IPv4 payload", _ip.PayloadOffset, _ip.PayloadLength, offset, end);
                RoundTripIpv4();
            }

            if (_icmp.Parse(b, offset, length, known) == WireError.None)
            {
                FuzzTargets.Inside("ICMP data", _icmp.DataOffset, _icmp.DataLength, offset, end);
                RoundTripIcmp();
            }

            if (_udp.Parse(b, offset, length, Source, Destination, known) == WireError.None)
            {
                FuzzTargets.Inside("UDP payload", _udp.PayloadOffset, _udp.PayloadLength, offset, end);
                RoundTripUdp();
            }

            if (_tcp.Parse(b, offset, length, Source, Destination, known) == WireError.None)
            {
                if (_tcp.HeaderLength < TcpPacket.MinimumHeaderLength)
                {
                    throw new FuzzFinding("TCP header length " + _tcp.HeaderLength);
                }

                FuzzTargets.Inside("TCP payload", _tcp.PayloadOffset, _tcp.PayloadLength, offset, end);
                RoundTripTcp();
            }
        }

        if (_vxlan.Parse(b, offset, length) == WireError.None)
        {
            FuzzTargets.Inside("VXLAN inner frame", _vxlan.FrameOffset, _vxlan.FrameLength, offset, end);
            RoundTripVxlan();
        }
    }

    private void RoundTripEthernet()
    {
        byte[] s = new byte[EthernetFrame.HeaderLength];
        _ethernet.Emit(s, 0);
        _ = _ethernet.ToString();
        Same("Ethernet", _ethernet2.Parse(s, 0, s.Length) is WireError.None or WireError.Unsupported, true);
        Same("Ethernet destination", _ethernet2.Destination, _ethernet.Destination);
        Same("Ethernet source", _ethernet2.Source, _ethernet.Source);
        Same("Ethernet type", _ethernet2.EtherType, _ethernet.EtherType);
    }

    private void RoundTripArp()
    {
        byte[] s = new byte[28];
        _arp.Emit(s, 0);
        _ = _arp.ToString();
        Same("ARP", _arp2.Parse(s, 0, s.Length), WireError.None);
        Same("ARP operation", _arp2.Operation, _arp.Operation);
        Same("ARP sender", (_arp2.SenderHardwareAddress, _arp2.SenderProtocolAddress), (_arp.SenderHardwareAddress, _arp.SenderProtocolAddress));
        Same("ARP target", (_arp2.TargetHardwareAddress, _arp2.TargetProtocolAddress), (_arp.TargetHardwareAddress, _arp.TargetProtocolAddress));
    }

    private void RoundTripIpv4()
    {
        byte[] s = new byte[Ipv4Packet.MinimumHeaderLength + _ip.PayloadLength];
        _ip.Emit(s, 0);
        _ = _ip.ToString();
        Same("IPv4", _ip2.Parse(s, 0, s.Length), WireError.None);
        Same("IPv4 addresses", (_ip2.Source, _ip2.Destination), (_ip.Source, _ip.Destination));
        Same("IPv4 protocol, ttl, tos", (_ip2.Protocol, _ip2.Ttl, _ip2.TypeOfService), (_ip.Protocol, _ip.Ttl, _ip.TypeOfService));
        Same("IPv4 fragment fields", (_ip2.Identification, _ip2.DontFragment, _ip2.MoreFragments, _ip2.FragmentOffset), (_ip.Identification, _ip.DontFragment, _ip.MoreFragments, _ip.FragmentOffset));
        Same("IPv4 payload length", _ip2.PayloadLength, _ip.PayloadLength);
    }

    private void RoundTripIcmp()
    {
        byte[] s = new byte[IcmpPacket.HeaderLength + _icmp.DataLength];
        _icmp.Emit(s, 0);
        _ = _icmp.ToString();
        Same("ICMP", _icmp2.Parse(s, 0, s.Length), WireError.None);
        Same("ICMP type and code", (_icmp2.Type, _icmp2.Code), (_icmp.Type, _icmp.Code));
        Same("ICMP fields", (_icmp2.Identifier, _icmp2.SequenceNumber, _icmp2.NextHopMtu), (_icmp.Identifier, _icmp.SequenceNumber, _icmp.NextHopMtu));
    }

    private void RoundTripUdp()
    {
        byte[] s = new byte[UdpPacket.HeaderLength + _udp.PayloadLength];
        _udp.Emit(s, 0, Source, Destination);
        _ = _udp.ToString();
        Same("UDP", _udp2.Parse(s, 0, s.Length, Source, Destination), WireError.None);
        Same("UDP ports", (_udp2.SourcePort, _udp2.DestinationPort), (_udp.SourcePort, _udp.DestinationPort));
        Same("UDP payload length", _udp2.PayloadLength, _udp.PayloadLength);
    }

    private void RoundTripTcp()
    {
        int header = _tcp.EmitHeaderLength();
        byte[] s = new byte[header + _tcp.PayloadLength];
        _tcp.Emit(s, 0, Source, Destination);
        _ = _tcp.ToString();
        Same("TCP", _tcp2.Parse(s, 0, s.Length, Source, Destination), WireError.None);
        Same("TCP ports", (_tcp2.SourcePort, _tcp2.DestinationPort), (_tcp.SourcePort, _tcp.DestinationPort));
        Same("TCP numbers", (_tcp2.SequenceNumber, _tcp2.AcknowledgmentNumber), (_tcp.SequenceNumber, _tcp.AcknowledgmentNumber));
        Same("TCP flags, window, urgent", (_tcp2.Flags, _tcp2.Window, _tcp2.UrgentPointer), (_tcp.Flags, _tcp.Window, _tcp.UrgentPointer));
        Same("TCP options", (_tcp2.MaximumSegmentSize, _tcp2.WindowScale, _tcp2.SackPermitted), (_tcp.MaximumSegmentSize, _tcp.WindowScale, _tcp.SackPermitted));
        Same("TCP timestamps", (_tcp2.HasTimestamps, _tcp2.TimestampValue, _tcp2.TimestampEcho), (_tcp.HasTimestamps, _tcp.TimestampValue, _tcp.TimestampEcho));
        Same("TCP payload length", _tcp2.PayloadLength, _tcp.PayloadLength);
    }

    private void RoundTripVxlan()
    {
        byte[] s = new byte[VxlanHeader.Length + _vxlan.FrameLength];
        _vxlan.Emit(s, 0);
        _ = _vxlan.ToString();
        Same("VXLAN", _vxlan2.Parse(s, 0, s.Length), WireError.None);
        Same("VXLAN VNI", _vxlan2.Vni, _vxlan.Vni);
    }

    // The checked views: a wrap that succeeds makes every getter safe.
    private static void Views(byte[] b, int offset, int length)
    {
        if (EthernetFrame.TryWrap(b, offset, length, out EthernetFrame frame) == WireError.None)
        {
            _ = (frame.Destination, frame.Source, frame.EtherType, frame.PayloadOffset, frame.PayloadLength);
        }

        if (ArpPacket.TryWrap(b, offset, length, out ArpPacket arp) == WireError.None)
        {
            _ = (arp.Operation, arp.SenderHardwareAddress, arp.SenderProtocolAddress, arp.TargetHardwareAddress, arp.TargetProtocolAddress);
        }

        if (Ipv4Packet.TryWrap(b, offset, length, out Ipv4Packet ip) == WireError.None)
        {
            _ = (ip.HeaderLength, ip.TotalLength, ip.TypeOfService, ip.Identification, ip.DontFragment, ip.MoreFragments, ip.FragmentOffset, ip.IsFragment);
        }

        if (IcmpPacket.TryWrap(b, offset, length, out IcmpPacket icmp) == WireError.None)
        {
            _ = (icmp.Type, icmp.Code, icmp.MessageChecksum, icmp.Identifier, icmp.SequenceNumber, icmp.DataOffset, icmp.DataLength, icmp.ChecksumValid());
        }

        if (UdpPacket.TryWrap(b, offset, length, out UdpPacket udp) == WireError.None)
        {
            _ = (udp.SourcePort, udp.DestinationPort, udp.Length, udp.DatagramChecksum, udp.PayloadOffset, udp.PayloadLength, udp.ChecksumValid(Source, Destination));
        }

        if (TcpPacket.TryWrap(b, offset, length, out TcpPacket tcp) == WireError.None)
        {
            _ = (tcp.SourcePort, tcp.DestinationPort, tcp.SequenceNumber, tcp.AcknowledgmentNumber, tcp.HeaderLength, tcp.Flags, tcp.Window,
                tcp.SegmentChecksum, tcp.PayloadOffset, tcp.PayloadLength, tcp.ChecksumValid(Source, Destination));
        }

        if (VxlanHeader.TryWrap(b, offset, length, out VxlanHeader vxlan) == WireError.None)
        {
            _ = (vxlan.Vni, vxlan.FrameOffset);
        }
    }

    // As `edgectl decode` reads a capture: the file header, then records while they fit.
    private void PcapFile(byte[] b)
    {
        if (Pcap.ParseFileHeader(b, 0, b.Length, _pcap, out _) != WireError.None)
        {
            return;
        }

        int at = Pcap.FileHeaderLength;
        while (at < b.Length
            && Pcap.ParseRecordHeader(b, at, b.Length - at, _pcap, _record) == WireError.None
            && _record.CapturedLength <= b.Length - at - Pcap.RecordHeaderLength)
        {
            at += Pcap.RecordHeaderLength;
            Decode(b, at, _record.CapturedLength);
            at += _record.CapturedLength;
        }
    }

    private static void Same<T>(string what, T got, T expected)
    {
        if (!EqualityComparer<T>.Default.Equals(got, expected))
        {
            throw new FuzzFinding($"{what}: parse, emit, parse gave {got}, not {expected}");
        }
    }

    public override IEnumerable<KeyValuePair<string, byte[]>> Seeds()
    {
        foreach (var frame in FuzzFixtures.GoldenFrames())
        {
            yield return frame;
        }

        List<byte[]> capture = FuzzFixtures.KernelCapture();
        for (int i = 0; i < capture.Count; i += 3)
        {
            yield return new($"kernel-vxlan-{i:D2}", capture[i]);
        }

        yield return new("empty", []);
        yield return new("ethernet-only", Convert.FromHexString("02420af4010102420af401050800"));
        yield return new("ieee-802.3-length", Convert.FromHexString("02420af4010102420af40105002e" + new string('0', 92)));
        yield return new("ipv4-ihl-15-no-room", Convert.FromHexString("02420af4010102420af40105080045000014000000004006000000000000000000004f"));
        yield return new("ipv4-total-below-header", Convert.FromHexString("02420af4010102420af4010508004500000a0001000040010000" + "0af401050af40207"));
        yield return new("tcp-data-offset-15", Convert.FromHexString("02420af4010102420af4010508004500003c222240004006ffa60af401050af40207a9f80050000f424000000000f002faf09b1b0000020405b4"));
        yield return new("tcp-option-length-0", Convert.FromHexString("02420af4010102420af4010508004500002c222240004006ffb60af401050af40207a9f80050000f424000000000600200000000000002000000"));
        yield return new("udp-length-over-ip", Convert.FromHexString("02420af4010102420af4010508004500001e0001000040110000" + "0af401050af40207" + "232823290100" + "0000"));
        yield return new("vxlan-nested-vxlan", Nested());

        // A pcap file of three golden frames (little-endian, microseconds), and one cut short.
        byte[][] frames = FuzzFixtures.GoldenFrames().Take(3).Select(f => f.Value).ToArray();
        byte[] pcap = PcapOf(frames);
        yield return new("pcap-three-frames", pcap);
        yield return new("pcap-cut-in-a-record", pcap[..(pcap.Length - 5)]);
    }

    private static byte[] Nested()
    {
        byte[] inner = FuzzFixtures.GoldenFrames().FirstOrDefault(f => f.Key == "vxlan-arp-request").Value ?? [];
        byte[] outer = FuzzFixtures.GoldenFrames().FirstOrDefault(f => f.Key == "vxlan-arp-request").Value ?? [];
        if (outer.Length < 50)
        {
            return outer;
        }

        return [.. outer.AsSpan(0, 50), .. inner];
    }

    private static byte[] PcapOf(byte[][] frames)
    {
        var file = new List<byte>();
        byte[] header = new byte[Pcap.FileHeaderLength];
        Pcap.EmitFileHeader(header, 0, 65535, Pcap.LinkTypeEthernet);
        file.AddRange(header);
        uint seconds = 1_700_000_000;
        foreach (byte[] frame in frames)
        {
            byte[] record = new byte[Pcap.RecordHeaderLength];
            Pcap.EmitRecordHeader(record, 0, seconds++, 0, frame.Length, frame.Length);
            file.AddRange(record);
            file.AddRange(frame);
        }

        return [.. file];
    }
}
