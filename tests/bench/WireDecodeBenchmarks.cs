using BenchmarkDotNet.Attributes;
using Edge.Dataplane.Wire;

namespace Edge.Bench;

/// <summary>
/// The per-frame cost of the wire layer on the overlay path: a VXLAN frame (outer Ethernet,
/// IPv4, UDP, VXLAN) carrying a pod's TCP segment with a 67-byte HTTP request, decoded layer
/// by layer with both IPv4 header checksums and the inner TCP checksum verified.
///
/// Baseline: one Internet checksum over the same bytes, i.e. touching every byte once. The
/// Ratio column says what parsing costs on top of reading the frame.
/// </summary>
[MemoryDiagnoser]
public class WireDecodeBenchmarks
{
    private readonly FrameDecoder _decoder = new();
    private readonly TcpRepr _tcp = new();
    private byte[] _frame = [];

    [GlobalSetup]
    public void Setup()
    {
        string line = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "golden-frames.txt"))
            .Single(l => l.StartsWith("vxlan-tcp-http-get ", StringComparison.Ordinal));
        _frame = Convert.FromHexString(line.Split(' ')[1]);
        if (_decoder.Decode(_frame, 0, _frame.Length) != WireError.None || !_decoder.Has(FrameLayer.InnerTcp))
        {
            throw new InvalidOperationException("the golden frame does not decode");
        }
    }

    [Benchmark(Baseline = true, Description = "checksum over the frame")]
    public ushort ChecksumOnly() => Checksum.Compute(_frame, 0, _frame.Length);

    [Benchmark(Description = "decode VXLAN/TCP, verify checksums")]
    public int DecodeVxlanTcp()
    {
        _decoder.Decode(_frame, 0, _frame.Length);
        return _decoder.InnerTcp.PayloadLength;
    }

    [Benchmark(Description = "parse inner TCP only (options + checksum)")]
    public WireError ParseInnerTcp() =>
        _tcp.Parse(_frame, 14 + 20 + 8 + 8 + 14 + 20, _frame.Length - (14 + 20 + 8 + 8 + 14 + 20), 0x0AF40105, 0x0AF40207);
}
