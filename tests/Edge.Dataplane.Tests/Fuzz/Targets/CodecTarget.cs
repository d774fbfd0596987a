using Edge.Dataplane.Boards;
using Edge.Dataplane.Dns;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Proxy;

namespace Edge.Fuzz;

/// <summary>
/// The snapshot/delta codec: a payload as a Snapshot (<see cref="StateCodec.Decode(PayloadReader, DesiredState, IStateSink)"/>
/// with no state held, and against the state a board holds), as a Delta merged into that state
/// (<see cref="StateDelta.Merge(DesiredState, PayloadReader, IStateSink, out string)"/>), as the
/// policy section alone, as a SettingsUpdate (<see cref="BoardSettings.Read"/>), and as a
/// sequence of state parts (each a 1-byte length and its payload, the part header first) into
/// a board's <see cref="StateReceiver"/> against the held state. The held
/// state must come out of every decode unchanged: the board's tables still point into it.
/// </summary>
public sealed class CodecTarget : FuzzTarget
{
    private readonly PayloadReader _reader = new();
    private readonly DesiredState _held;
    private readonly byte[] _heldBytes;
    private readonly Sink _sink = new();

    public CodecTarget()
    {
        _heldBytes = FuzzFixtures.Encode(FuzzFixtures.StateFor(2));
        _reader.Begin(_heldBytes, 0, _heldBytes.Length);
        _held = StateCodec.Decode(_reader) ?? throw new InvalidOperationException("the held state does not decode");
    }

    public override string Name => "codec";

    public override string Covers => "StateCodec.Decode (no held state, held state + sink), StateDelta.BaseGeneration/Merge, PolicyCodec.Decode, BoardSettings.Read/Validate";

    public override void Run(byte[] input)
    {
        _reader.Begin(input, 0, input.Length);
        _ = StateCodec.Decode(_reader);

        _reader.Begin(input, 0, input.Length);
        _ = StateCodec.Decode(_reader, _held, _sink);

        _ = StateDelta.BaseGeneration(input, 0, input.Length);
        _reader.Begin(input, 0, input.Length);
        DesiredState? merged = StateDelta.Merge(_held, _reader, _sink, out string? error);
        if ((merged == null) != (error != null))
        {
            throw new FuzzFinding($"Merge returned {(merged == null ? "no state" : "a state")} with error \"{error}\"");
        }

        _reader.Begin(input, 0, input.Length);
        _ = PolicyCodec.Decode(_reader, _held.ClusterNetwork, _held.Policies);

        InParts(input);

        _reader.Begin(input, 0, input.Length);
        BoardSettings? settings = BoardSettings.Read(_reader);
        if (settings != null)
        {
            _ = settings.Validate();
            _ = settings.DescribeAddressing();
        }

        byte[] held = FuzzFixtures.Encode(_held);
        if (!held.AsSpan().SequenceEqual(_heldBytes))
        {
            throw new FuzzFinding("decoding changed the held state");
        }
    }

    // parts := (length(1) payload)*: each payload a part of a state, into one receiver as a board takes them.
    private void InParts(byte[] input)
    {
        var receiver = new StateReceiver(255);
        for (int at = 0; at < input.Length;)
        {
            int length = Math.Min(input[at++], input.Length - at);
            _reader.Begin(input, at, length);
            at += length;
            if (receiver.Take(false, _reader, _held, _held.Generation, _sink, null, out DesiredState? state, out string? error) && (state == null) == (error == null))
            {
                throw new FuzzFinding($"a state's last part answered {(state == null ? "no state" : "a state")} with error \"{error}\"");
            }
        }
    }

    /// <summary>A codec seed of parts: each part's length, then the part.</summary>
    private static byte[] PartsInput(byte[][] parts) => [.. parts.SelectMany(p => (byte[])[(byte)p.Length, .. p])];

    public override IEnumerable<KeyValuePair<string, byte[]>> Seeds()
    {
        byte[] board1 = FuzzFixtures.Encode(FuzzFixtures.StateFor(1));
        byte[] board2 = FuzzFixtures.Encode(FuzzFixtures.StateFor(2, 7));
        yield return new("snapshot-board-1", board1);
        yield return new("snapshot-board-2", board2);
        yield return new("snapshot-held-again", _heldBytes);
        yield return new("parts-board-2", PartsInput(FuzzFixtures.Parts(board2, false, 7, 120)));
        yield return new("snapshot-empty", FuzzFixtures.Encode(new DesiredState { Generation = 3 }));
        yield return new("snapshot-truncated", board2[..(board2.Length / 2)]);
        yield return new("snapshot-format-2", [2, .. board2[1..]]);
        DesiredState odd = FuzzFixtures.StateFor(2, 9);
        odd.PodPrefixLength = 33;
        odd.ClusterDomain = "";
        odd.ProxyMode = 7;
        odd.Policies = null;
        yield return new("snapshot-odd-settings", FuzzFixtures.Encode(odd));
        yield return new("delta-from-1", FuzzFixtures.Delta(1));
        yield return new("delta-from-5", FuzzFixtures.Delta(5));
        byte[] delta = FuzzFixtures.Delta(1);
        yield return new("delta-truncated", delta[..(delta.Length - 9)]);
        yield return new("varint-overlong", [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]);
        yield return new("count-huge", [3, 1, 0xFF, 0xFF, 0xFF, 0xFF, 0x07]);

        var w = new PayloadWriter();
        byte[] buffer = new byte[256];
        w.Begin(buffer, 0, buffer.Length);
        new BoardSettings { Profile = "wt32-eth01", Name = "node-4", Static = true, Address = 0xC0A8320E, PrefixLength = 24, Gateway = 0xC0A83201, Dns = 0x08080808 }.Write(w);
        w.Bool(true);
        yield return new("settings-static", buffer[..w.Length]);
        w.Begin(buffer, 0, buffer.Length);
        new BoardSettings { Profile = "olimex-esp32-poe", Name = "node-5" }.Write(w);
        w.Bool(false);
        yield return new("settings-dhcp", buffer[..w.Length]);
    }

    private sealed class Sink : IStateSink
    {
        public long Services;
        public long DnsServices;

        public void ServiceArrived(Service service) => Services++;

        public void DnsServiceArrived(DnsService service) => DnsServices++;
    }
}
