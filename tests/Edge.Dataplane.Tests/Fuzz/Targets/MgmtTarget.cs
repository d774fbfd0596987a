using Edge.Dataplane.Agent;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.NfTests.Sim;
using Edge.Dataplane.Platform;

namespace Edge.Fuzz;

/// <summary>
/// Management frames: what a host sends a board once its line is trusted (the console, or a TCP
/// session that proved the cluster key: the handshake target fuzzes what comes before), through the board's own <see cref="BoardSession"/> on a board running pods (board 2
/// of <see cref="FuzzFixtures"/>, a WROOM's 1.25 KiB frames). First the raw bytes alone through a
/// <see cref="FrameReader"/> (resynchronisation, CRC, lengths); then the input as a script of
/// frames the harness seals with a good CRC (a fuzzer cannot compute one), so the messages
/// behind them are reached: Snapshot and Delta (their parts, StatePart: received in order or not,
/// decoded, merged, applied), ExecRequest (a tool's
/// arguments), ViewRequest, CaptureStart/Stop, LogsRequest, SettingsUpdate, HelloRequest.
/// Whatever the board writes back must be whole, checked frames.
/// <code>
/// script  := record*
/// record  := type(1) length(2, big-endian) payload(length, cut at the input's end)   a frame, sealed here
///          | 0xFF length(1) bytes(length)                                              raw bytes on the line
/// </code>
/// </summary>
public sealed class MgmtTarget : FuzzTarget
{
    public const byte Raw = 0xFF;
    private const int StepsPerRecord = 3;
    private const int StepsAtEnd = 150;

    private readonly PayloadReader _payload = new();

    public override string Name => "mgmt";

    public override string Covers => "FrameReader.Push/Next (raw bytes); BoardSession.Poll on a running board: snapshot/delta/exec/view/capture/logs/settings frames";

    public override void Run(byte[] input)
    {
        RawFrames(64, input);
        RawFrames(Frame.MaxPayload, input);
        Session(input);
    }

    // The bytes as they come off a line, in pieces of varying size, into a fresh reader.
    private void RawFrames(int maxPayload, byte[] input)
    {
        var reader = new FrameReader(maxPayload);
        int refused = 0;
        for (int at = 0, piece = 1; at < input.Length; piece = piece * 3 % 97 + 1)
        {
            int n = reader.Push(input, at, Math.Min(piece, input.Length - at));
            at += n;
            refused = n == 0 ? refused + 1 : 0;
            if (refused > 1)
            {
                throw new FuzzFinding("the frame reader is full, hands out no frame and takes no more bytes");
            }

            while (reader.Next())
            {
                FuzzTargets.Inside("frame payload", reader.PayloadOffset, reader.PayloadLength, 0, reader.Payload.Length);
                if (reader.PayloadLength > maxPayload)
                {
                    throw new FuzzFinding($"a payload of {reader.PayloadLength} bytes from a reader for {maxPayload}");
                }

                _payload.Begin(reader.Payload, reader.PayloadOffset, reader.PayloadLength);
                while (!_payload.Failed && !_payload.AtEnd)
                {
                    _ = _payload.String();
                    _ = _payload.Varint();
                }
            }
        }
    }

    private static void Session(byte[] input)
    {
        AgentLab lab = FuzzFixtures.Lab();
        NodeAgent agent = lab.Agent(2);
        var identity = new NodeConfigIdentity { Name = "node-2", Address = TestCluster.BoardAddress(2), MaxPayload = 1280, MaxOutPayload = 1280 };
        var session = new BoardSession(agent, identity) { Storage = new MemoryStorage() };
        var line = new Line();
        session.Attach(line, lab.Clock.Now);

        byte[] frame = new byte[Frame.HeaderLength + Frame.MaxPayload + Frame.TrailerLength];
        ushort request = 1;
        for (int at = 0; at < input.Length;)
        {
            byte kind = input[at++];
            if (kind == Raw)
            {
                int n = at < input.Length ? Math.Min(input[at++], input.Length - at) : 0;
                line.ToBoard(input, at, n);
                at += n;
            }
            else
            {
                int length = at + 1 < input.Length ? (input[at] << 8) | input[at + 1] : 0;
                at += 2;
                length = Math.Max(0, Math.Min(length, Math.Min(input.Length - at, Frame.MaxPayload)));
                if (length > 0)
                {
                    Array.Copy(input, at, frame, Frame.HeaderLength, length);
                }

                line.ToBoard(frame, 0, Frame.Seal(frame, 0, kind, request++, length));
                at += length;
            }

            Run(lab, session, StepsPerRecord);
        }

        Run(lab, session, StepsAtEnd);
        line.CheckFramesFromBoard();
    }

    private static void Run(AgentLab lab, BoardSession session, int steps)
    {
        for (int i = 0; i < steps; i++)
        {
            session.Poll(lab.Clock.Now);
            lab.Step();
        }
    }

    /// <summary>The board's end of the line: reads what the script queued, takes every byte it writes.</summary>
    private sealed class Line : IByteStream
    {
        private readonly Queue<byte> _toBoard = new();
        private readonly List<byte> _fromBoard = [];

        public void ToBoard(byte[] b, int offset, int length)
        {
            for (int i = 0; i < length; i++)
            {
                _toBoard.Enqueue(b[offset + i]);
            }
        }

        public int Read(byte[] buffer, int offset, int length)
        {
            int n = 0;
            while (n < length && _toBoard.Count > 0)
            {
                buffer[offset + n++] = _toBoard.Dequeue();
            }

            return n;
        }

        public int Write(byte[] buffer, int offset, int length)
        {
            _fromBoard.AddRange(buffer.AsSpan(offset, length));
            return length;
        }

        /// <summary>Everything the board wrote must read back as whole frames with good CRCs.</summary>
        public void CheckFramesFromBoard()
        {
            var host = new FrameReader();
            byte[] bytes = [.. _fromBoard];
            for (int at = 0; at < bytes.Length;)
            {
                at += host.Push(bytes, at, bytes.Length - at);
                while (host.Next())
                {
                }
            }

            if (host.GarbageBytes != 0 || host.BadFrames != 0 || host.UnknownVersion != 0)
            {
                throw new FuzzFinding($"the board wrote {host.GarbageBytes} bytes that were not frames ({host.BadFrames} bad frames)");
            }
        }
    }

    private sealed class MemoryStorage : IStorage
    {
        private readonly Dictionary<string, byte[]> _records = [];

        public byte[] Read(string key) => _records.TryGetValue(key, out byte[]? record) ? record : null!;

        public bool Write(string key, byte[] buffer, int offset, int length)
        {
            _records[key] = buffer.AsSpan(offset, length).ToArray();
            return true;
        }
    }

    public override IEnumerable<KeyValuePair<string, byte[]>> Seeds()
    {
        byte[] snapshot = FuzzFixtures.Encode(FuzzFixtures.StateFor(2, 2));
        byte[][] whole = FuzzFixtures.Parts(snapshot, false, 2, Frame.MaxPayload);
        byte[][] parts = FuzzFixtures.Parts(snapshot, false, 2, 200); // as a board with small frames takes it
        yield return new("snapshot", Record(MessageType.Snapshot, whole[0]));
        yield return new("snapshot-in-parts", Records(MessageType.Snapshot, parts));
        yield return new("snapshot-parts-out-of-order", Records(MessageType.Snapshot, [parts[0], parts[2], parts[1], .. parts[3..]]));
        yield return new("snapshot-part-repeated", Records(MessageType.Snapshot, [parts[0], parts[1], parts[1], .. parts[2..]]));
        yield return new("snapshot-parts-with-garbage-between", [.. Record(MessageType.Snapshot, parts[0]), Raw, 3, (byte)'E', (byte)'g', 1, .. Records(MessageType.Snapshot, parts[1..])]);
        yield return new("snapshot-then-delta", [.. Record(MessageType.Snapshot, whole[0]), .. Records(MessageType.Delta, FuzzFixtures.Parts(FuzzFixtures.Delta(2), true, 3, 120))]);
        yield return new("delta-for-another-generation", Records(MessageType.Delta, FuzzFixtures.Parts(FuzzFixtures.Delta(9), true, 10, Frame.MaxPayload)));
        yield return new("snapshot-new-pod-network", Records(MessageType.Snapshot, FuzzFixtures.Parts(FuzzFixtures.Encode(FuzzFixtures.StateFor(1, 3)), false, 3, Frame.MaxPayload)));
        yield return new("hello-request", Record(MessageType.HelloRequest, []));
        for (int view = 1; view <= 5; view++)
        {
            yield return new($"view-{view}", Record(MessageType.ViewRequest, [(byte)view]));
        }

        yield return new("exec-wget", Exec("default", "web", ["wget", "-qO-", "http://web"], null));
        yield return new("exec-curl-counter", Exec("default", "web", ["curl", "-s", "http://10.244.2.9/"], null));
        yield return new("exec-nslookup", Exec("default", "web", ["nslookup", "echo"], null));
        yield return new("exec-dig-srv", Exec("default", "web", ["dig", "SRV", "_http._tcp.web.default.svc.cluster.local"], null));
        yield return new("exec-ping", Exec("default", "web", ["ping", "-c", "2", "-W", "1", "10.244.1.5"], null));
        yield return new("exec-nc-udp", Exec("default", "web", ["nc", "-u", "-w", "1", "10.96.0.30", "7"], "hello\n"));
        yield return new("exec-no-such-pod", Exec("default", "nothing", ["ping", "web"], null));
        yield return new("exec-then-cancel", [.. Exec("default", "web", ["ping", "10.244.2.8"], null), .. Record(MessageType.ExecCancel, [])]);
        yield return new("exec-two-at-once", [.. Exec("default", "web", ["ping", "10.244.2.8"], null), .. Exec("default", "web", ["nslookup", "web"], null)]);
        yield return new("capture-overlay", [.. Record(MessageType.CaptureStart, Strings("overlay")), .. Exec("default", "web", ["ping", "-c", "1", "10.244.1.5"], null), .. Record(MessageType.CaptureStop, [])]);
        yield return new("capture-pod", Record(MessageType.CaptureStart, Strings("default/echo")));
        yield return new("capture-nowhere", Record(MessageType.CaptureStart, Strings("default/")));
        yield return new("logs", Record(MessageType.LogsRequest, Strings("default", "web")));
        yield return new("settings-request", Record(MessageType.SettingsRequest, []));
        byte[] settings = new CodecTarget().Seeds().First(s => s.Key == "settings-static").Value;
        yield return new("settings-update", Record(MessageType.SettingsUpdate, settings));
        yield return new("garbage-then-frame", [Raw, 5, (byte)'E', (byte)'g', 1, 2, 0xFF, .. Record(MessageType.HelloRequest, [])]);
        yield return new("half-a-header", [Raw, 4, (byte)'E', (byte)'g', 1, 2]);
        yield return new("raw-good-frame", RawFrame(MessageType.ViewRequest, [3]));
        yield return new("raw-frame-version-2", [.. RawFrame(MessageType.HelloRequest, []).Select((b, i) => i == 4 ? (byte)2 : b)]);
        yield return new("unknown-type", Record(0x42, [1, 2, 3]));
    }

    /// <summary>Script records for frames of this type, one for each payload, in order.</summary>
    public static byte[] Records(byte type, byte[][] payloads) => [.. payloads.SelectMany(p => Record(type, p))];

    /// <summary>A script record for a frame of this type and payload.</summary>
    public static byte[] Record(byte type, byte[] payload) => [type, (byte)(payload.Length >> 8), (byte)payload.Length, .. payload];

    /// <summary>A script record putting a sealed frame on the line as raw bytes (the harness adds nothing).</summary>
    private static byte[] RawFrame(byte type, byte[] payload)
    {
        byte[] frame = new byte[Frame.HeaderLength + payload.Length + Frame.TrailerLength];
        payload.CopyTo(frame, Frame.HeaderLength);
        int n = Frame.Seal(frame, 0, type, 7, payload.Length);
        return [Raw, (byte)n, .. frame];
    }

    private static byte[] Strings(params string?[] values)
    {
        byte[] buffer = new byte[1024];
        var w = new PayloadWriter();
        w.Begin(buffer, 0, buffer.Length);
        foreach (string? value in values)
        {
            w.String(value);
        }

        return buffer[..w.Length];
    }

    private static byte[] Exec(string ns, string pod, string[] args, string? stdin)
    {
        byte[] buffer = new byte[1024];
        var w = new PayloadWriter();
        w.Begin(buffer, 0, buffer.Length);
        w.String(ns);
        w.String(pod);
        w.Int(args.Length);
        foreach (string arg in args)
        {
            w.String(arg);
        }

        w.String(stdin);
        return Record(MessageType.ExecRequest, buffer[..w.Length]);
    }
}
