using System.Collections.Concurrent;
using System.Net.Sockets;
using Edge.Dataplane.Boards;
using Edge.Dataplane.Agent;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Net;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Trust;
using Edge.Dataplane.Wire;
using Edge.Host.Compile;
using Edge.Host.Trust;

namespace Edge.Host.Sessions;

/// <summary>
/// The host's end of one board's management line (TCP for a virtual board; a serial port
/// speaks the same frames). A reader task turns frames into the board's Hello, acks,
/// view responses (matched to requests by ID) and heartbeats. Sending a snapshot waits for
/// the board to acknowledge that generation. On the network the session starts with the
/// cluster-key handshake (<see cref="SessionAuth"/>) and every frame after it is sealed both
/// ways; a frame from the board that fails its MAC ends the session.
/// </summary>
public sealed partial class BoardClient : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<ushort, TaskCompletionSource<(byte Type, byte[] Payload)>> _pending = new();
    private readonly ConcurrentDictionary<ushort, ExecCall> _execs = new();
    private readonly ConcurrentDictionary<ushort, ViewCall> _views = new();
    private readonly ConcurrentDictionary<ushort, System.Threading.Channels.ChannelWriter<byte[]>> _captures = new();
    private readonly TaskCompletionSource<BoardHello> _hello = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly Task _reader;
    private readonly ClusterKey? _key;
    private readonly TaskCompletionSource<BoardHello> _authenticated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<BoardHello> _sealedHello = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly bool _network;
    private readonly uint _dialled;

    // Sealing (senders, under _sendLock) and opening (the read loop) each have their own
    // SessionAuth: one holds a single HMAC state, and the two run at once on different threads.
    private SessionAuth? _seal;
    private SessionAuth? _open;
    private Handshake? _handshake;
    private bool _claiming;
    private int _authStarted;
    private int _nextId;

    private BoardClient(Stream stream, ClusterKey? key, bool network, uint dialled)
    {
        _stream = stream;
        _key = key;
        _network = network;
        _dialled = dialled;
        _reader = Task.Run(ReadLoop);
    }

    /// <summary>Whether frames are sealed with the session key (a network line after the handshake).</summary>
    public bool Authenticated => _open?.Established == true;

    /// <summary>The board answered with this cluster's previous key (it was off at the last rekey): `board rekey` gives it the new one.</summary>
    public bool UsedPreviousKey { get; private set; }

    /// <summary>Why the line was ended from this side (a frame failed its MAC), or null.</summary>
    public string? Broken { get; private set; }

    /// <summary>The latest heartbeat, or null before the first.</summary>
    public BoardHeartbeat? LastHeartbeat { get; private set; }

    /// <summary>Raised on every heartbeat (from the reader task).</summary>
    public event Action<BoardHeartbeat>? Heartbeat;

    /// <summary>True until the line closes.</summary>
    public bool Connected => !_reader.IsCompleted;

    public long GarbageBytes { get; private set; }

    /// <param name="key">The cluster's key, which a board on the network must be shown; null only where no board asks for it (USB consoles).</param>
    public static async Task<BoardClient> ConnectAsync(string host, int port, ClusterKey? key, CancellationToken cancel = default)
    {
        var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(host, port, cancel);
        }
        catch (SocketException e)
        {
            client.Dispose();
            throw new BoardSessionException($"cannot reach the board at {host}:{port}: {e.SocketErrorCode}");
        }

        // The proofs are bound to the board's address as dialled: a proof is no good at another address.
        var remote = (System.Net.IPEndPoint)client.Client.RemoteEndPoint!;
        byte[] ip = remote.Address.MapToIPv4().GetAddressBytes();
        return new BoardClient(client.GetStream(), key, network: true, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(ip));
    }

    /// <summary>Wraps an already open line (a serial port, a test stream); <paramref name="key"/> for a board that asks for the handshake on it.</summary>
    public static BoardClient Over(Stream stream, ClusterKey? key = null) => new(stream, key, network: false, dialled: 0);

    /// <summary>
    /// The board's hello, once the line is trusted: a board says it when a TCP session opens
    /// (with its nonce, and the handshake follows); on a serial line, which has no connect, the
    /// host asks (a board that is still booting says it when it is up). Throws, with what to do,
    /// when the board belongs to another cluster or has no key.
    /// </summary>
    public async Task<BoardHello> HelloAsync(TimeSpan timeout)
    {
        if (!_hello.Task.IsCompleted)
        {
            await SignalAsync(MessageType.HelloRequest, 0); // the answer, or the closed line, comes through _hello
        }

        BoardHello hello = await _hello.Task.WaitAsync(timeout);
        if (Interlocked.Exchange(ref _authStarted, 1) == 0)
        {
            _ = AuthenticateAsync(hello, timeout);
        }

        return await _authenticated.Task.WaitAsync(timeout);
    }

    /// <summary>
    /// Opens a claim on a board that has no cluster key, on the network (its console not wired):
    /// the board then answers its settings and takes a key (ProvisionAsync with SetKey), nothing
    /// else. The key crosses the network in the clear: claim on a switch with only this laptop
    /// and the board on it. Returns the board's hello.
    /// </summary>
    public async Task<BoardHello> ClaimAsync(TimeSpan timeout)
    {
        BoardHello hello = await _hello.Task.WaitAsync(timeout);
        if (hello.Trust != Messages.LineNoKey)
        {
            throw new BoardSessionException($"{hello.Name} already belongs to {hello.DescribeCluster()}: only a board with no cluster key can be claimed on the network (make it forget over USB: edgectl board forget --port PORT)");
        }

        Interlocked.Exchange(ref _authStarted, 1); // no handshake on a claim
        _claiming = true;
        (byte type, byte[] _) = await RequestAsync(MessageType.Claim, NewFrame(0), 0, timeout);
        if (type != MessageType.Ack)
        {
            throw new BoardSessionException($"{hello.Name} did not open a claim (another claim holds it?)");
        }

        Claimed = true;
        _authenticated.TrySetResult(hello);
        return hello;
    }

    /// <summary>Whether this line is a claim on a board with no key (ClaimAsync).</summary>
    public bool Claimed { get; private set; }

    /// <summary>Every request waits for the hello and the handshake first: nothing but them crosses a network line before it is trusted.</summary>
    private async Task Ready(TimeSpan timeout)
    {
        if (_authenticated.Task.IsCompletedSuccessfully)
        {
            return;
        }

        try
        {
            await HelloAsync(timeout);
        }
        catch (TimeoutException)
        {
            // Mid-session (a request waiting for the hello it needs first), a hello lost on a
            // noisy line is a failed request like a lost answer, not a board that is not there.
            throw new BoardSessionException($"the board did not say hello in {timeout.TotalSeconds:0.#} s");
        }
    }

    // The handshake (SessionAuth): prove the cluster key on the board's nonce, check its proof on ours.
    private async Task AuthenticateAsync(BoardHello hello, TimeSpan timeout)
    {
        try
        {
            if (hello.Trust == Messages.LineTrusted && !_network)
            {
                _authenticated.TrySetResult(hello); // a USB console: physical access is the trust
                return;
            }

            if (hello.Trust == Messages.LineTrusted)
            {
                // On the network only a board that proves the cluster key is one: whatever answers
                // here without asking for it (older firmware, or something posing as the board) is not run.
                throw new BoardSessionException($"what answers at this address as {hello.Name} does not ask for the cluster key, so it cannot prove it is this cluster's board: "
                    + "flash it with this edgectl's firmware and provision it over USB (edgectl board provision --port PORT)", untrusted: true);
            }

            if (hello.Trust == Messages.LineNoKey || hello.Nonce == null)
            {
                throw new BoardSessionException($"{hello.Name} has no cluster key, so it takes no control plane on the network: "
                    + "provision it into this cluster over USB (edgectl board provision --port PORT)"
                    + (_key != null ? $", which gives it {_key.Describe()}" : "")
                    + "; a board whose console is not wired is claimed on the network instead, on a switch with only this laptop and the board: edgectl board provision --link tcp://ADDRESS:7900 --claim", untrusted: true);
            }

            byte[]? key = _key?.ForId(hello.KeyId);
            if (_key == null || key == null)
            {
                throw new BoardSessionException($"{hello.Name} belongs to {hello.DescribeCluster()}"
                    + (_key != null ? $", not to {_key.Describe()}" : "")
                    + ", and obeys only that cluster's control plane: use that cluster's edgectl (its EDGE_HOME and --lab), "
                    + "or take the board into this cluster over USB (edgectl board provision --port PORT --join)", untrusted: true);
            }

            UsedPreviousKey = key != _key.Key;
            var handshake = new Handshake(hello, new SessionAuth(SessionAuth.Host, key, 0) { Address = _dialled }, new SessionAuth(SessionAuth.Host, key, 0) { Address = _dialled },
                System.Security.Cryptography.RandomNumberGenerator.GetBytes(SessionAuth.NonceLength));
            byte[] frame = new byte[Frame.HeaderLength + SessionAuth.NonceLength + SessionAuth.ProofLength + Frame.TrailerLength];
            handshake.HostNonce.CopyTo(frame, Frame.HeaderLength);
            handshake.Seal.Prove(SessionAuth.Host, hello.Nonce, 0, handshake.HostNonce, 0, frame, Frame.HeaderLength + SessionAuth.NonceLength);
            _handshake = handshake;
            await WriteFrameAsync(frame, Frame.Seal(frame, 0, MessageType.AuthProof, 0, SessionAuth.NonceLength + SessionAuth.ProofLength));
            await handshake.Done.Task.WaitAsync(timeout); // the read loop checks AuthOk and establishes both ends

            // The first hello was not sealed (nothing was, yet): the one the session goes on is asked for under the seal.
            await SignalAsync(MessageType.HelloRequest, 0);
            BoardHello sealedHello = await _sealedHello.Task.WaitAsync(timeout);
            _authenticated.TrySetResult(sealedHello with { Trust = hello.Trust, Cluster = hello.Cluster, KeyId = hello.KeyId });
        }
        catch (TimeoutException)
        {
            _authenticated.TrySetException(new BoardSessionException($"{hello.Name} did not answer the cluster-key handshake in {timeout.TotalSeconds:0.#} s"));
        }
        catch (Exception e)
        {
            _authenticated.TrySetException(e is BoardSessionException ? e : new BoardSessionException(e.Message));
        }
    }

    /// <summary>
    /// Sends the state; returns when the board has applied that generation, throws if it refused.
    /// Its TLS private keys go encrypted under the session key on the network, as they are on a
    /// USB console (no session there: physical access).
    /// </summary>
    public Task SendSnapshotAsync(DesiredState state, TimeSpan timeout) =>
        SendStateAsync(MessageType.Snapshot, state.Generation, (w, keys) => StateCodec.Encode(state, w, keys, SecretNonces.Instance), timeout);

    /// <summary>Sends what changed since the generation the board applied; throws (with the board's reason) if it refused, e.g. another base.</summary>
    public Task SendDeltaAsync(uint baseGeneration, StateChange change, TimeSpan timeout) =>
        SendStateAsync(MessageType.Delta, change.Changed.Generation,
            (w, keys) => StateDelta.Encode(baseGeneration, change.Flags, change.RemovedServices, change.RemovedDns, change.Changed, w, keys, SecretNonces.Instance), timeout);

    /// <summary>
    /// Encodes the state and sends it in as many parts as the board's frame needs (a state larger
    /// than the frame a WROOM board takes crosses in several, StatePart), each sealed in turn
    /// under one request ID; the board answers once, after the last.
    /// </summary>
    private async Task SendStateAsync(byte type, uint generation, Action<PayloadWriter, SessionAuth?> encode, TimeSpan timeout)
    {
        await Ready(timeout);
        int limit = _authenticated.Task.Result.MaxPayload - Overhead; // the hello the session goes on (under the seal, on the network)
        SessionAuth? keys = _seal;
        if (keys == null && _network)
        {
            // Only a claim gets here (it serves settings and a key): a state's TLS keys would cross the network in the clear.
            throw new BoardSessionException($"a {MessageType.Name(type)} goes to a board on the network only in a session that proved the cluster key, not on a claim");
        }

        // Encoded whole first (the host has the room), into a buffer that grows to what the
        // board's parts could carry at most.
        int most = StatePart.MaxParts * limit;
        var w = new PayloadWriter();
        byte[] body = new byte[Math.Min(most, Frame.MaxPayload)];
        while (true)
        {
            w.Begin(body, 0, body.Length);
            await EncodeAsync(w, keys, encode);
            if (!w.Overflow || body.Length == most)
            {
                break;
            }

            body = new byte[Math.Min(most, 4 * body.Length)];
        }

        string? problem = w.Overflow ? $"it is over {body.Length} bytes ({StatePart.MaxParts} parts)" : null;
        byte[][]? parts = problem == null ? StateParts.Split(body, 0, w.Length, type == MessageType.Delta, generation, limit, out problem) : null;
        if (parts == null)
        {
            throw new BoardSessionException($"the {MessageType.Name(type)} for generation {generation} ({(w.Overflow ? "over " + body.Length : w.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))} bytes) cannot cross in parts of {limit} bytes, "
                + $"the most this board takes (its memory class): {problem}; fewer services or shorter args and environment, or a board with more memory");
        }

        (byte answerType, byte[] payload) = await RequestInPartsAsync(type, parts, timeout);
        var r = new PayloadReader();
        r.Begin(payload, 0, payload.Length);
        uint acked = r.Varint();
        string? error = r.String();
        if (answerType != MessageType.Ack || error != null || acked != generation)
        {
            throw new BoardSessionException($"the board did not apply generation {generation}: {error ?? "unexpected answer"}");
        }

        LastSnapshotBytes = parts.Sum(p => Frame.HeaderLength + p.Length + Overhead + Frame.TrailerLength);
        LastSnapshotParts = parts.Length;
    }

    private async Task EncodeAsync(PayloadWriter w, SessionAuth? keys, Action<PayloadWriter, SessionAuth?> encode)
    {
        if (keys == null)
        {
            encode(w, null); // a USB console: no session, the keys go as they are (physical access)
            return;
        }

        await _sendLock.WaitAsync(); // the keys' keystream uses the session's HMAC, which sealing also uses
        try
        {
            encode(w, keys);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>
    /// Sends a state's parts in order under one request ID and waits for the board's one answer.
    /// A board that refuses a part answers at once; the parts not yet sent then stay here (those
    /// on their way the board drops without an answer).
    /// </summary>
    private async Task<(byte Type, byte[] Payload)> RequestInPartsAsync(byte type, byte[][] parts, TimeSpan timeout)
    {
        ushort id = (ushort)(Interlocked.Increment(ref _nextId) & 0xFFFF);
        var answer = new TaskCompletionSource<(byte, byte[])>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        try
        {
            for (int i = 0; i < parts.Length && !answer.Task.IsCompleted; i++)
            {
                byte[] frame = NewFrame(parts[i].Length);
                parts[i].CopyTo(frame, Frame.HeaderLength);
                await SendAsync(frame, type, id, parts[i].Length);
            }

            return await answer.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new BoardSessionException($"the board did not answer {MessageType.Name(type)} ({parts.Length} part{(parts.Length == 1 ? "" : "s")}) in {timeout.TotalSeconds:0.#} s");
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    // What sealing adds to a payload: the sequence number and MAC once authenticated.
    private int Overhead => _seal != null ? SessionAuth.TrailerLength : 0;

    /// <summary>A frame buffer for a payload of up to <paramref name="payload"/> bytes, with room for the seal.</summary>
    private static byte[] NewFrame(int payload) => new byte[Frame.HeaderLength + payload + SessionAuth.TrailerLength + Frame.TrailerLength];

    /// <summary>Size of the last snapshot or delta sent (its frames, all parts), for sync accounting.</summary>
    public int LastSnapshotBytes { get; private set; }

    /// <summary>How many parts (frames) the last snapshot or delta crossed in.</summary>
    public int LastSnapshotParts { get; private set; }

    /// <summary>Asks the board to render a view (iptables, ipvs, conntrack, policy; flows after sequence number <paramref name="since"/>).</summary>
    public async Task<string> ViewAsync(int view, TimeSpan timeout, uint since = 0)
    {
        await Ready(timeout);
        byte[] frame = NewFrame(8);
        var w = new PayloadWriter();
        w.Begin(frame, Frame.HeaderLength, Frame.HeaderLength + 8);
        w.Int(view);
        if (since != 0)
        {
            w.Varint(since);
        }

        ushort id = (ushort)(Interlocked.Increment(ref _nextId) & 0xFFFF);
        var call = new ViewCall();
        _views[id] = call;
        try
        {
            await SendAsync(frame, MessageType.ViewRequest, id, w.Length);
            return await call.Done.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new BoardSessionException($"the board did not answer {MessageType.Name(MessageType.ViewRequest)} in {timeout.TotalSeconds:0.#} s");
        }
        finally
        {
            _views.TryRemove(id, out _);
        }
    }

    /// <summary>
    /// Arms the board's packet tracer (`edgectl trace`) for <paramref name="duration"/> (zero clears
    /// it): it records packets marked <paramref name="mark"/> and their replies; with
    /// <see cref="PacketTrace.FollowNext"/> or <see cref="PacketTrace.SendOne"/> it marks the next
    /// packet the pod <paramref name="ns"/>/<paramref name="pod"/> (null: the node itself) sends
    /// with the protocol to destination:port, having it send one first. Throws with the board's reason.
    /// </summary>
    public async Task TraceStartAsync(int mark, TimeSpan duration, int mode, string? ns, string? pod, int protocol, uint destination, int port, TimeSpan timeout)
    {
        await Ready(timeout);
        byte[] frame = NewFrame(512);
        var w = new PayloadWriter();
        w.Begin(frame, Frame.HeaderLength, Frame.HeaderLength + 512);
        w.Int(mark);
        w.Int((int)Math.Max(0, duration.TotalMilliseconds));
        w.Int(mode);
        w.String(ns);
        w.String(pod);
        w.Int(protocol);
        w.Address(destination);
        w.Int(port);
        (byte type, byte[] payload) = await RequestAsync(MessageType.TraceStart, frame, w.Length, timeout);
        var r = new PayloadReader();
        r.Begin(payload, 0, payload.Length);
        r.Varint();
        string? error = type == MessageType.Ack ? r.String() : "the board does not trace packets (its firmware is older than edgectl's)";
        if (error != null)
        {
            throw new BoardSessionException(error);
        }
    }

    /// <summary>A view arriving in pieces: each frame says whether more follow.</summary>
    private sealed class ViewCall
    {
        public readonly System.Text.StringBuilder Text = new();

        public TaskCompletionSource<string> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>
    /// Runs a tool in a pod on this board, as `kubectl exec` does: output arrives through
    /// <paramref name="output"/> (stream 1 stdout, 2 stderr) as the board sends it; returns the
    /// tool's exit code. Cancelling sends the board a cancel (the tool ends with 130).
    /// </summary>
    public async Task<int> ExecAsync(string ns, string pod, IReadOnlyList<string> args, string? stdin,
        Action<int, ReadOnlyMemory<byte>> output, TimeSpan timeout, CancellationToken cancel = default, ExecContainer? container = null)
    {
        await Ready(timeout);
        ushort id = (ushort)(Interlocked.Increment(ref _nextId) & 0xFFFF);
        var call = new ExecCall(output);
        _execs[id] = call;
        try
        {
            byte[] frame = NewFrame(Frame.MaxPayload);
            var w = new PayloadWriter();
            w.Begin(frame, Frame.HeaderLength, Frame.HeaderLength + Frame.MaxPayload - Overhead);
            w.String(ns);
            w.String(pod);
            w.Int(args.Count);
            foreach (string arg in args)
            {
                w.String(arg);
            }

            w.String(stdin);
            if (container != null)
            {
                w.String(container.Name);
                w.Bool(container.ServiceLinks);
                w.String(container.Withheld);
            }

            if (w.Overflow)
            {
                throw new BoardSessionException("the exec request is too long for one frame");
            }

            await SendAsync(frame, MessageType.ExecRequest, id, w.Length);
            using CancellationTokenRegistration onCancel = cancel.Register(() => _ = SignalAsync(MessageType.ExecCancel, id));
            try
            {
                return await call.Exit.Task.WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                await SignalAsync(MessageType.ExecCancel, id);
                throw new BoardSessionException($"the command did not finish in {timeout.TotalSeconds:0.#} s; the board was told to stop it");
            }
        }
        finally
        {
            _execs.TryRemove(id, out _);
        }
    }

    /// <summary>
    /// Mirrors a point of the board ("overlay" or "namespace/pod") into <paramref name="output"/>
    /// as a pcap stream until <paramref name="cancel"/> fires; returns the bytes written. Throws
    /// when the board has no such point.
    /// </summary>
    public async Task<long> CaptureAsync(string point, Stream output, CancellationToken cancel, Func<Task>? started = null)
    {
        await Ready(TimeSpan.FromSeconds(10));
        ushort id = (ushort)(Interlocked.Increment(ref _nextId) & 0xFFFF);
        var data = System.Threading.Channels.Channel.CreateUnbounded<byte[]>(new() { SingleReader = true });
        _captures[id] = data.Writer;
        try
        {
            byte[] frame = NewFrame(512);
            var w = new PayloadWriter();
            w.Begin(frame, Frame.HeaderLength, Frame.HeaderLength + 512);
            w.String(point);
            (byte type, byte[] payload) = await RequestAsync(MessageType.CaptureStart, frame, w.Length, TimeSpan.FromSeconds(10), id);
            var r = new PayloadReader();
            r.Begin(payload, 0, payload.Length);
            r.Varint();
            string? error = type == MessageType.Ack ? r.String() : "the board did not start the capture";
            if (error != null)
            {
                throw new BoardSessionException(error);
            }

            if (started != null)
            {
                await started();
            }

            long total = 0;
            try
            {
                await foreach (byte[] chunk in data.Reader.ReadAllAsync(cancel))
                {
                    await output.WriteAsync(chunk, cancel);
                    await output.FlushAsync(cancel);
                    total += chunk.Length;
                }
            }
            catch (OperationCanceledException)
            {
                // stopped by the caller: tell the board
            }

            await SignalAsync(MessageType.CaptureStop, id);
            return total;
        }
        finally
        {
            _captures.TryRemove(id, out _);
        }
    }

    /// <summary>
    /// A frame with no payload (hello request, exec cancel, capture stop). If the line is gone
    /// there is nothing to tell: what it would have stopped or asked for went with it.
    /// </summary>
    private async Task SignalAsync(byte type, ushort id)
    {
        byte[] frame = NewFrame(0);
        try
        {
            await SendAsync(frame, type, id, 0);
        }
        catch (BoardSessionException)
        {
            // the line closed
        }
    }

    /// <summary>Seals the frame (under the session key once authenticated: sequence numbers go in the order frames are written) and writes it.</summary>
    private async Task SendAsync(byte[] frame, byte type, ushort id, int payloadLength)
    {
        await _sendLock.WaitAsync();
        try
        {
            int length = _seal != null ? _seal.Seal(frame, 0, type, id, payloadLength) : Frame.Seal(frame, 0, type, id, payloadLength);
            await _stream.WriteAsync(frame.AsMemory(0, length));
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            throw new BoardSessionException("the board's line closed: " + e.Message);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task WriteFrameAsync(byte[] frame, int length)
    {
        await _sendLock.WaitAsync();
        try
        {
            await _stream.WriteAsync(frame.AsMemory(0, length));
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            throw new BoardSessionException("the board's line closed: " + e.Message);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>A pod's log as the board keeps it (the last lines its workload wrote).</summary>
    public Task<string> LogsAsync(string ns, string pod, TimeSpan timeout) => LogsAsync(ns, pod, null, timeout);

    /// <summary>A container's log as the board keeps it; the pod's first container when <paramref name="container"/> is null.</summary>
    public async Task<string> LogsAsync(string ns, string pod, string? container, TimeSpan timeout)
    {
        await Ready(timeout);
        byte[] frame = NewFrame(512);
        var w = new PayloadWriter();
        w.Begin(frame, Frame.HeaderLength, Frame.HeaderLength + 512);
        w.String(ns);
        w.String(pod);
        if (container != null)
        {
            w.String(container);
        }

        (_, byte[] payload) = await RequestAsync(MessageType.LogsRequest, frame, w.Length, timeout);
        var r = new PayloadReader();
        r.Begin(payload, 0, payload.Length);
        return r.String() ?? throw new BoardSessionException($"pod {ns}/{pod} does not run on this board (yet)");
    }

    /// <summary>The settings the board keeps in flash, and the name and address it runs with now.</summary>
    public async Task<BoardSettingsAnswer> SettingsAsync(TimeSpan timeout)
    {
        await Ready(timeout);
        byte[] frame = NewFrame(0);
        (byte type, byte[] payload) = await RequestAsync(MessageType.SettingsRequest, frame, 0, timeout);
        var r = new PayloadReader();
        r.Begin(payload, 0, payload.Length);
        BoardSettings? kept = type == MessageType.Settings ? BoardSettings.Read(r) : null;
        if (kept is null)
        {
            throw new BoardSessionException("the board answered its settings in a format this edgectl does not know: update edgectl or the board's firmware");
        }

        string name = r.String() ?? "";
        uint address = r.Address();
        string? problem = r.String();
        uint keyId = r.AtEnd ? 0 : r.Address();
        return new BoardSettingsAnswer(kept, name, address, problem) { KeyId = keyId };
    }

    /// <summary>
    /// Has the board keep <paramref name="settings"/> (and restart into them); the board's refusal
    /// is a BoardSessionException with its reason. <paramref name="keyAction"/> (BoardSession.KeepKey,
    /// SetKey with the settings' Key and Cluster, ForgetKey) changes its cluster key: the board
    /// takes that over its USB console only, and the key travels in the clear there.
    /// </summary>
    public async Task ProvisionAsync(BoardSettings settings, bool restart, TimeSpan timeout, int keyAction = BoardSession.KeepKey)
    {
        await Ready(timeout);
        if (keyAction == BoardSession.SetKey && _seal != null)
        {
            throw new BoardSessionException("a cluster key is given over the board's USB console only (edgectl board provision --port PORT); on the network, edgectl board rekey changes it");
        }

        byte[] frame = NewFrame(BoardSettings.MaxRecordBytes + 8);
        var w = new PayloadWriter();
        w.Begin(frame, Frame.HeaderLength, Frame.HeaderLength + BoardSettings.MaxRecordBytes + 8);
        settings.Write(w, keyAction == BoardSession.SetKey);
        w.Bool(restart);
        w.Int(keyAction);
        (byte type, byte[] payload) = await RequestAsync(MessageType.SettingsUpdate, frame, w.Length, timeout);
        var r = new PayloadReader();
        r.Begin(payload, 0, payload.Length);
        r.Varint();
        string? error = type == MessageType.Ack ? r.String() : "unexpected answer";
        if (error != null)
        {
            throw new BoardSessionException($"the board did not keep the settings: {error}");
        }
    }

    /// <summary>
    /// Gives the board a new cluster key (<see cref="ClusterKey.Key"/> of <paramref name="key"/>),
    /// wrapped under this session's key; the board keeps it in flash and asks for it on every
    /// later connection. Needs an authenticated session.
    /// </summary>
    public async Task RekeyAsync(ClusterKey key, TimeSpan timeout)
    {
        await Ready(timeout);
        if (_seal == null)
        {
            throw new BoardSessionException("rekey needs a session on the network that proved the current key (over USB, edgectl board provision gives the key)");
        }

        byte[] frame = NewFrame(128);
        var w = new PayloadWriter();
        w.Begin(frame, Frame.HeaderLength, Frame.HeaderLength + 128);
        w.String(key.Cluster);
        byte[] wrapNonce = System.Security.Cryptography.RandomNumberGenerator.GetBytes(SessionAuth.NonceLength);
        byte[] wrapped = new byte[SessionAuth.KeyLength];
        w.Raw(wrapNonce, 0, wrapNonce.Length);
        await _sendLock.WaitAsync(); // the wrap uses the session's HMAC, which sealing also uses
        try
        {
            _seal.Wrap(wrapNonce, 0, key.Key, 0, wrapped, 0);
        }
        finally
        {
            _sendLock.Release();
        }

        w.Raw(wrapped, 0, wrapped.Length);
        (byte type, byte[] payload) = await RequestAsync(MessageType.Rekey, frame, w.Length, timeout);
        var r = new PayloadReader();
        r.Begin(payload, 0, payload.Length);
        r.Varint();
        string? error = type == MessageType.Ack ? r.String() : "unexpected answer";
        if (error != null)
        {
            throw new BoardSessionException($"the board did not take the new key: {error}");
        }
    }

    /// <summary>Writes raw bytes on the line (tests inject noise with it).</summary>
    public Task WriteRawAsync(byte[] bytes) => WriteFrameAsync(bytes, bytes.Length);

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _stream.DisposeAsync();
        try
        {
            await _reader;
        }
        catch
        {
            // the line is gone; nothing to report on the way out
        }
    }

    private async Task<(byte Type, byte[] Payload)> RequestAsync(byte type, byte[] frame, int payloadLength, TimeSpan timeout, ushort? requestId = null)
    {
        ushort id = requestId ?? (ushort)(Interlocked.Increment(ref _nextId) & 0xFFFF);
        var answer = new TaskCompletionSource<(byte, byte[])>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        try
        {
            await SendAsync(frame, type, id, payloadLength);
        }
        catch (BoardSessionException)
        {
            _pending.TryRemove(id, out _);
            throw;
        }

        try
        {
            return await answer.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new BoardSessionException($"the board did not answer {MessageType.Name(type)} in {timeout.TotalSeconds:0.#} s");
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    private async Task ReadLoop()
    {
        var reader = new FrameReader();
        byte[] buffer = new byte[4096];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                int n = await _stream.ReadAsync(buffer, _stop.Token);
                if (n == 0)
                {
                    break;
                }

                int taken = 0;
                while (taken < n)
                {
                    taken += reader.Push(buffer, taken, n - taken);
                    while (reader.Next())
                    {
                        SessionAuth? auth = _open;
                        if (auth == null && _network && !_claiming && reader.Type is not (MessageType.Hello or MessageType.AuthOk or MessageType.AuthRefused))
                        {
                            continue; // before the handshake, a network line carries nothing else the host takes
                        }

                        if (auth != null)
                        {
                            if (!auth.Open(reader.Payload, reader.PayloadOffset - Frame.HeaderLength, reader.PayloadLength))
                            {
                                Broken = auth.BadMacs > 0
                                    ? "a frame from the board failed its MAC: something between here and the board is changing the line; the session was ended"
                                    : "a frame from the board came out of sequence (replayed or dropped); the session was ended";
                                return;
                            }

                            reader.PayloadLength -= SessionAuth.TrailerLength;
                        }

                        Dispatch(reader.Type, reader.RequestId, reader.Payload.AsSpan(reader.PayloadOffset, reader.PayloadLength).ToArray());
                    }
                }

                GarbageBytes = reader.GarbageBytes;
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // closed
        }
        finally
        {
            foreach (var pending in _pending.Values)
            {
                pending.TrySetException(new BoardSessionException("the board's line closed"));
            }

            foreach (var capture in _captures.Values)
            {
                capture.TryComplete(new BoardSessionException("the board's line closed during the capture"));
            }

            foreach (var view in _views.Values)
            {
                view.Done.TrySetException(new BoardSessionException(Broken ?? "the board's line closed before the view was whole"));
            }

            foreach (var exec in _execs.Values)
            {
                exec.Exit.TrySetException(new BoardSessionException("the board's line closed while the command ran"));
            }

            _hello.TrySetException(new BoardSessionException("the board's line closed before it said hello"));
            _handshake?.Done.TrySetException(new BoardSessionException("the board closed the line during the cluster-key handshake"));
            _sealedHello.TrySetException(new BoardSessionException(Broken ?? "the board's line closed during the cluster-key handshake"));
        }
    }

    // A pod's containers in a heartbeat: each its name, state bits, restarts, last exit plus one,
    // reason, message and last probe failure (BoardSession.WriteHeartbeat).
    private static List<ContainerReport> ReadContainers(PayloadReader r)
    {
        int count = r.Count(5);
        var containers = new List<ContainerReport>(count);
        for (int c = 0; c < count && !r.Failed; c++)
        {
            string name = r.String() ?? "";
            int state = r.Byte(), restarts = r.Int(), lastExit = r.Int();
            containers.Add(new ContainerReport(name)
            {
                Ready = (state & 1) != 0,
                Started = (state & 2) != 0,
                Running = (state & 4) != 0,
                OomKilled = (state & 8) != 0,
                Restarts = Math.Max(0, restarts),
                LastExit = lastExit > 0 ? lastExit - 1 : null,
                Reason = r.String() ?? "",
                Message = r.String() ?? "",
                ProbeFailure = r.String() ?? "",
            });
        }

        return containers;
    }

    private void Dispatch(byte type, ushort id, byte[] payload)
    {
        var r = new PayloadReader();
        r.Begin(payload, 0, payload.Length);
        switch (type)
        {
            case MessageType.Hello:
                (_open == null ? _hello : _sealedHello).TrySetResult(BoardHello.Read(r));
                break;
            case MessageType.AuthOk or MessageType.AuthRefused when _open == null && _handshake != null:
                Answer(_handshake, type, payload);
                break;
            case MessageType.Heartbeat:
                uint generation = r.Varint();
                int count = r.Count(6);
                var pods = new List<PodReport>();
                for (int i = 0; i < count && !r.Failed; i++)
                {
                    pods.Add(new PodReport(r.String() ?? "", r.String() ?? "", r.String() ?? "", PodPhase.Name(r.Int()), r.String() ?? "", r.String() ?? ""));
                }

                uint drops = r.Varint();
                for (int i = 0; i < pods.Count && !r.AtEnd && !r.Failed; i++)
                {
                    pods[i] = pods[i] with { Containers = ReadContainers(r) };
                }

                var heartbeat = new BoardHeartbeat(generation, pods, drops, DateTimeOffset.UtcNow);
                LastHeartbeat = heartbeat;
                Heartbeat?.Invoke(heartbeat);
                break;
            case MessageType.ViewResponse when _views.TryGetValue(id, out ViewCall? view):
                bool more = r.Bool();
                view.Text.Append(System.Text.Encoding.UTF8.GetString(payload, 1, Math.Max(0, payload.Length - 1)));
                if (!more || r.Failed)
                {
                    view.Done.TrySetResult(view.Text.ToString());
                }

                break;
            case MessageType.ExecOutput when _execs.TryGetValue(id, out ExecCall? exec) && payload.Length > 0:
                exec.Output(payload[0], payload.AsMemory(1));
                break;
            case MessageType.CaptureData when _captures.TryGetValue(id, out var capture):
                capture.TryWrite(payload);
                break;
            case MessageType.ExecInput when _execs.TryGetValue(id, out ExecCall? exec):
                exec.Credit.Add((int)r.Varint());
                break;
            case MessageType.ExecExit when _execs.TryGetValue(id, out ExecCall? exec):
                exec.Exit.TrySetResult(r.Int());
                break;
            default:
                if (_pending.TryGetValue(id, out var answer))
                {
                    answer.TrySetResult((type, payload));
                }

                break;
        }
    }

    // On the read loop, so the session is established before the next frame is read: the board's
    // proof checked, both ends keyed, then frames opened from the very next one.
    private void Answer(Handshake handshake, byte type, byte[] payload)
    {
        BoardHello hello = handshake.Hello;
        if (type == MessageType.AuthRefused)
        {
            var r = new PayloadReader();
            r.Begin(payload, 0, payload.Length);
            handshake.Done.TrySetException(new BoardSessionException($"{hello.Name} refused this control plane: {Printable(r.String())}", untrusted: true));
            return;
        }

        if (payload.Length != SessionAuth.ProofLength || !handshake.Open.Check(SessionAuth.Board, hello.Nonce!, 0, handshake.HostNonce, 0, payload, 0))
        {
            handshake.Done.TrySetException(new BoardSessionException(
                $"what answers at this address did not prove {hello.DescribeCluster()}'s key for this address: it is not the board it says it is (or the connection is forwarded from another address)", untrusted: true));
            return;
        }

        handshake.Open.Establish(hello.Nonce!, 0, handshake.HostNonce, 0);
        handshake.Seal.Establish(hello.Nonce!, 0, handshake.HostNonce, 0); // nothing is sent before Done: every request waits for it
        _seal = handshake.Seal;
        _open = handshake.Open;
        handshake.Done.TrySetResult();
    }

    /// <summary>The nonces a state's TLS keys are encrypted under (SessionAuth.WriteSecret): the platform's CSPRNG.</summary>
    private sealed class SecretNonces : IRandomSource
    {
        public static readonly SecretNonces Instance = new();

        public uint NextUInt32()
        {
            Span<byte> bytes = stackalloc byte[4];
            System.Security.Cryptography.RandomNumberGenerator.Fill(bytes);
            return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes);
        }
    }

    private sealed record Handshake(BoardHello Hello, SessionAuth Open, SessionAuth Seal, byte[] HostNonce)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Text from the line as it may be shown: control characters (an escape sequence from whoever answered) as '?'.</summary>
    internal static string Printable(string? text) =>
        text == null ? "" : string.Create(text.Length, text, (span, t) => { for (int i = 0; i < t.Length; i++) span[i] = char.IsControl(t[i]) ? '?' : t[i]; });

    private sealed record ExecCall(Action<int, ReadOnlyMemory<byte>> Output)
    {
        public TaskCompletionSource<int> Exit { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>How many input bytes the board takes (a forward's; an exec's input travels whole in its request).</summary>
        public InputCredit Credit { get; } = new();
    }

    public override string ToString() => _authenticated.Task.IsCompletedSuccessfully
        ? $"{_authenticated.Task.Result.Name} ({Ipv4Address.Format(_authenticated.Task.Result.Address)})"
        : "board (no hello yet)";
}

/// <summary>
/// The container an exec runs in, as the board needs it for `env`: its name, whether its pod
/// takes the Services' variables (enableServiceLinks), and the names of its variables whose
/// values come from Secrets (which boards are not sent), comma-separated.
/// </summary>
public sealed record ExecContainer(string Name, bool ServiceLinks, string Withheld);
