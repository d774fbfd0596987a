using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Tests.Wire;

/// <summary>The frames in Golden/: scapy's (by name) and the kernel capture (in order).</summary>
public static class GoldenFrames
{
    private static readonly Lazy<Dictionary<string, byte[]>> Scapy = new(() =>
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Wire", "Golden", "golden-frames.txt"))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split(' '))
            .ToDictionary(parts => parts[0], parts => Convert.FromHexString(parts[1])));

    public static IEnumerable<string> Names => Scapy.Value.Keys;

    /// <summary>A fresh copy of a scapy-made frame, free to modify.</summary>
    public static byte[] Get(string name) => (byte[])Scapy.Value[name].Clone();

    /// <summary>The frames of Golden/kernel-vxlan.pcap, read with Edge's pcap codec.</summary>
    public static List<byte[]> KernelCapture() => ReadPcap(Path.Combine(AppContext.BaseDirectory, "Wire", "Golden", "kernel-vxlan.pcap"));

    public static List<byte[]> ReadPcap(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        var format = new PcapFormat();
        Assert.Equal(WireError.None, Pcap.ParseFileHeader(file, 0, file.Length, format, out uint linkType));
        Assert.Equal(Pcap.LinkTypeEthernet, linkType);
        var frames = new List<byte[]>();
        var record = new PcapRecord();
        int at = Pcap.FileHeaderLength;
        while (at < file.Length)
        {
            Assert.Equal(WireError.None, Pcap.ParseRecordHeader(file, at, file.Length - at, format, record));
            at += Pcap.RecordHeaderLength;
            frames.Add(file.AsSpan(at, record.CapturedLength).ToArray());
            at += record.CapturedLength;
        }

        return frames;
    }

    public static uint Ip(string dotted)
    {
        Assert.True(Ipv4Address.TryParse(dotted, out uint address), dotted);
        return address;
    }

    public static ulong Mac(string text)
    {
        Assert.True(MacAddress.TryParse(text, out ulong mac), text);
        return mac;
    }
}
