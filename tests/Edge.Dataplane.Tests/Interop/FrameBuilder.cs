using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Tests.Interop;

/// <summary>Builds whole frames with Edge's Emit methods, innermost layer first, for peers to judge.</summary>
public static class FrameBuilder
{
    public const ulong PodAMac = 0x02420AF40105, PodBMac = 0x02420AF40207, Board1Mac = 0x240AC4000011, Board2Mac = 0x240AC4000012;
    public const uint PodA = 0x0AF40105, PodB = 0x0AF40207, Board1 = 0xC0A8320B, Board2 = 0xC0A8320C;

    /// <summary>Ethernet + IPv4 + TCP with the given options and payload, from pod A to pod B.</summary>
    public static byte[] TcpFrame(TcpRepr tcp, byte[] payload, uint src = PodA, uint dst = PodB)
    {
        int tcpLength = tcp.EmitHeaderLength();
        byte[] frame = new byte[14 + 20 + tcpLength + payload.Length];
        payload.CopyTo(frame, 14 + 20 + tcpLength);
        tcp.PayloadLength = payload.Length;
        tcp.Emit(frame, 34, src, dst);
        new Ipv4Repr { Source = src, Destination = dst, Protocol = IpProtocol.Tcp, Ttl = 64, DontFragment = true, Identification = 7, PayloadLength = tcpLength + payload.Length }.Emit(frame, 14);
        new EthernetRepr { Source = PodAMac, Destination = PodBMac, EtherType = EtherType.Ipv4 }.Emit(frame, 0);
        return frame;
    }

    public static byte[] UdpFrame(ushort sport, ushort dport, byte[] payload, bool checksum, uint src = PodA, uint dst = PodB)
    {
        byte[] frame = new byte[14 + 20 + 8 + payload.Length];
        payload.CopyTo(frame, 42);
        new UdpRepr { SourcePort = sport, DestinationPort = dport, HasChecksum = checksum, PayloadLength = payload.Length }.Emit(frame, 34, src, dst);
        new Ipv4Repr { Source = src, Destination = dst, Protocol = IpProtocol.Udp, Ttl = 64, Identification = 9, PayloadLength = 8 + payload.Length }.Emit(frame, 14);
        new EthernetRepr { Source = PodAMac, Destination = PodBMac, EtherType = EtherType.Ipv4 }.Emit(frame, 0);
        return frame;
    }

    public static byte[] EchoRequest(ushort id, ushort seq, byte[] data)
    {
        byte[] frame = new byte[14 + 20 + 8 + data.Length];
        data.CopyTo(frame, 42);
        new IcmpRepr { Type = IcmpType.EchoRequest, Identifier = id, SequenceNumber = seq, DataLength = data.Length }.Emit(frame, 34);
        new Ipv4Repr { Source = PodA, Destination = PodB, Protocol = IpProtocol.Icmp, Ttl = 64, Identification = 11, PayloadLength = 8 + data.Length }.Emit(frame, 14);
        new EthernetRepr { Source = PodAMac, Destination = PodBMac, EtherType = EtherType.Ipv4 }.Emit(frame, 0);
        return frame;
    }

    public static byte[] ArpRequest()
    {
        byte[] frame = new byte[60]; // padded to the Ethernet minimum, as a NIC sends it
        new ArpRepr { Operation = ArpOperation.Request, SenderHardwareAddress = PodAMac, SenderProtocolAddress = PodA, TargetProtocolAddress = PodB }.Emit(frame, 14);
        new EthernetRepr { Source = PodAMac, Destination = MacAddress.Broadcast, EtherType = EtherType.Arp }.Emit(frame, 0);
        return frame;
    }

    /// <summary>Wraps an inner frame in Ethernet + IPv4 + UDP (zero checksum, as RFC 7348 advises) + VXLAN between two boards.</summary>
    public static byte[] Vxlan(byte[] inner, uint vni, ushort sourcePort = 49320)
    {
        byte[] frame = new byte[14 + 20 + 8 + 8 + inner.Length];
        inner.CopyTo(frame, 50);
        new VxlanRepr { Vni = vni }.Emit(frame, 42);
        new UdpRepr { SourcePort = sourcePort, DestinationPort = VxlanHeader.IanaPort, HasChecksum = false, PayloadLength = 8 + inner.Length }.Emit(frame, 34, Board1, Board2);
        new Ipv4Repr { Source = Board1, Destination = Board2, Protocol = IpProtocol.Udp, Ttl = 64, Identification = 13, PayloadLength = 16 + inner.Length }.Emit(frame, 14);
        new EthernetRepr { Source = Board1Mac, Destination = Board2Mac, EtherType = EtherType.Ipv4 }.Emit(frame, 0);
        return frame;
    }

    /// <summary>A pcap file of the frames, written with Edge's pcap codec.</summary>
    public static byte[] Pcap(IReadOnlyList<byte[]> frames)
    {
        using var file = new MemoryStream();
        byte[] header = new byte[Edge.Dataplane.Wire.Pcap.FileHeaderLength];
        Edge.Dataplane.Wire.Pcap.EmitFileHeader(header, 0, Edge.Dataplane.Wire.Pcap.DefaultSnapLength, Edge.Dataplane.Wire.Pcap.LinkTypeEthernet);
        file.Write(header);
        for (int i = 0; i < frames.Count; i++)
        {
            byte[] record = new byte[Edge.Dataplane.Wire.Pcap.RecordHeaderLength];
            Edge.Dataplane.Wire.Pcap.EmitRecordHeader(record, 0, 1_700_000_000, (uint)(i * 1000), frames[i].Length, frames[i].Length);
            file.Write(record);
            file.Write(frames[i]);
        }

        return file.ToArray();
    }
}
