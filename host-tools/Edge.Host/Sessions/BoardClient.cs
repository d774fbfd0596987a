using System.Collections.Concurrent;
using System.Net.Sockets;
using Edge.Dataplane.Boards;
using Edge.Dataplane.Agent;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Wire;
using Edge.Host.Compile;

namespace Edge.Host.Sessions;

/// <summary>
/// The host's end of one board's management line (TCP for a virtual board; a serial port
/// speaks the same frames). A reader task turns frames into the board's Hello, acks,
/// view responses (matched to requests by ID) and heartbeats. Sending a snapshot waits for
/// the board to acknowledge that generation.
/// </summary>
public sealed class BoardClient : IAsyncDisposable
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
    private int _nextId;

    private BoardClient(Stream stream)
    {
        _stream = stream;
        _reader = Task.Run(ReadLoop);
    }

    /// <summary>The latest heartbeat, or null before the first.</summary>
    public BoardHeartbeat? LastHeartbeat { get; private set; }

    /// <summary>Raised on every heartbeat (from the reader task).</summary>
    public event Action<BoardHeartbeat>? Heartbeat;

    /// <summary>True until the line closes.</summary>
    public bool Connected => !_reader.IsCompleted;

    public long GarbageBytes { get; private set; }

    public static async Task<BoardClient> ConnectAsync(string host, int port, CancellationToken cancel = default)
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

        return new BoardClient(client.GetStream());
    }

    /// <summary>Wraps an already open line (a serial port, a test stream).</summary>
    public static BoardClient Over(Stream stream) => new(stream);

    /// <summary>
    /// The board's hello. A board says it when a TCP session opens; on a serial line, which has no
    /// connect, the host asks (a board that is still booting says it when it is up).
    /// </summary>
    public async Task<BoardHello> HelloAsync(TimeSpan timeout)
    {
        if (!_hello.Task.IsCompleted)
        {
            await SignalAsync(MessageType.HelloRequest, 0); // the answer, or the closed line, comes through _hello
        }

        return await _hello.Task.WaitAsync(timeout);
    }

    /// <summary>Sends the state; returns when the board has applied that generation, throws if it refused.</summary>
    public Task SendSnapshotAsync(DesiredState state, TimeSpan timeout) =>
        SendStateAsync(MessageType.Snapshot, state.Generation, w => StateCodec.Encode(state, w), timeout);

    /// <summary>Sends what changed since the generation the board applied; throws (with the board's reason) if it refused, e.g. another base.</summary>
    public Task SendDeltaAsync(uint baseGeneration, StateChange change, TimeSpan timeout) =>
        SendStateAsync(MessageType.Delta, change.Changed.Generation,
            w => StateDelta.Encode(baseGeneration, change.Flags, change.RemovedServices, change.RemovedDns, change.Changed, w), timeout);

    private async Task SendStateAsync(byte type, uint generation, Action<PayloadWriter> encode, TimeSpan timeout)
    {
        var w = new PayloadWriter();
        byte[] frame = new byte[Frame.HeaderLength + Frame.MaxPayload + Frame.TrailerLength];
        w.Begin(frame, Frame.HeaderLength, Frame.HeaderLength + Frame.MaxPayload);
        encode(w);
        int limit = _hello.Task.IsCompletedSuccessfully ? _hello.Task.Result.MaxPayload : Frame.MaxPayload;
        if (w.Overflow || w.Length > limit)
        {
            throw new BoardSessionException($"the {MessageType.Name(type)} for generation {generation} is {(w.Overflow ? "over " + Frame.MaxPayload : w.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))} bytes; "
                + $"this board takes at most {limit} (its memory class): fewer services, or a board with more memory");
        }

        (byte answerType, byte[] payload) = await RequestAsync(type, frame, w.Length, timeout);
        var r = new PayloadReader();
        r.Begin(payload, 0, payload.Length);
        uint acked = r.Varint();
        string? error = r.String();
        if (answerType != MessageType.Ack || error != null || acked != generation)
        {
            throw new BoardSessionException($"the board did not apply generation {generation}: {error ?? "unexpected answer"}");
        }

        LastSnapshotBytes = Frame.HeaderLength + w.Length + Frame.TrailerLength;
    }

    /// <summary>Size of the last snapshot or delta frame sent, for sync accounting.</summary>
    public int LastSnapshotBytes { get; private set; }

    /// <summary>Asks the board to render a view (iptables, ipvs, conntrack).</summary>
    public async Task<string> ViewAsync(int view, TimeSpan timeout)
    {
        byte[] frame = new byte[Frame.HeaderLength + 8 + Frame.TrailerLength];
        var w = new PayloadWriter();
        w.Begin(frame, Frame.HeaderLength, Frame.HeaderLength + 8);
        w.Int(view);
        ushort id = (ushort)(Interlocked.Increment(ref _nextId) & 0xFFFF);
        var call = new ViewCall();
        _views[id] = call;
        try
        {
            await WriteFrameAsync(frame, Frame.Seal(frame, 0, MessageType.ViewRequest, id, w.Length));
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
        Action<int, ReadOnlyMemory<byte>> output, TimeSpan timeout, CancellationToken cancel = default)
    {
        ushort id = (ushort)(Interlocked.Increment(ref _nextId) & 0xFFFF);
        var call = new ExecCall(output);
        _execs[id] = call;
        try
        {
            byte[] frame = new byte[Frame.HeaderLength + Frame.MaxPayload + Frame.TrailerLength];
            var w = new PayloadWriter();
            w.Begin(frame, Frame.HeaderLength, Frame.HeaderLength + Frame.MaxPayload);
            w.String(ns);
            w.String(pod);
            w.Int(args.Count);
            foreach (string arg in args)
            {
                w.String(arg);
            }

            w.String(stdin);
            if (w.Overflow)
            {
                throw new BoardSessionException("the exec request is too long for one frame");
            }

            await WriteFrameAsync(frame, Frame.Seal(frame, 0, MessageType.ExecRequest, id, w.Length));
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
        ushort id = (ushort)(Interlocked.Increment(ref _nextId) & 0xFFFF);
        var data = System.Threading.Channels.Channel.CreateUnbounded<byte[]>(new() { SingleReader = true });
        _captures[id] = data.Writer;
        try
        {
            byte[] frame = new byte[Frame.HeaderLength + 512 + Frame.TrailerLength];
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
        byte[] frame = new byte[Frame.HeaderLength + Frame.TrailerLength];
        try
        {
            await WriteFrameAsync(frame, Frame.Seal(frame, 0, type, id, 0));
        }
        catch (BoardSessionException)
        {
            // the line closed
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
    public async Task<string> LogsAsync(string ns, string pod, TimeSpan timeout)
    {
        byte[] frame = new byte[Frame.HeaderLength + 512 + Frame.TrailerLength];
        var w = new PayloadWriter();
        w.Begin(frame, Frame.HeaderLength, Frame.HeaderLength + 512);
        w.String(ns);
        w.String(pod);
        (_, byte[] payload) = await RequestAsync(MessageType.LogsRequest, frame, w.Length, timeout);
        var r = new PayloadReader();
        r.Begin(payload, 0, payload.Length);
        return r.String() ?? throw new BoardSessionException($"pod {ns}/{pod} does not run on this board (yet)");
    }

    /// <summary>The settings the board keeps in flash, and the name and address it runs with now.</summary>
    public async Task<BoardSettingsAnswer> SettingsAsync(TimeSpan timeout)
    {
        byte[] frame = new byte[Frame.HeaderLength + Frame.TrailerLength];
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
        return new BoardSettingsAnswer(kept, name, address, r.String());
    }

    /// <summary>Has the board keep <paramref name="settings"/> (and restart into them); the board's refusal is a BoardSessionException with its reason.</summary>
    public async Task ProvisionAsync(BoardSettings settings, bool restart, TimeSpan timeout)
    {
        byte[] frame = new byte[Frame.HeaderLength + BoardSettings.MaxRecordBytes + 1 + Frame.TrailerLength];
        var w = new PayloadWriter();
        w.Begin(frame, Frame.HeaderLength, frame.Length - Frame.TrailerLength);
        settings.Write(w);
        w.Bool(restart);
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
            await WriteFrameAsync(frame, Frame.Seal(frame, 0, type, id, payloadLength));
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

            foreach (var exec in _execs.Values)
            {
                exec.Exit.TrySetException(new BoardSessionException("the board's line closed while the command ran"));
            }

            _hello.TrySetException(new BoardSessionException("the board's line closed before it said hello"));
        }
    }

    private void Dispatch(byte type, ushort id, byte[] payload)
    {
        var r = new PayloadReader();
        r.Begin(payload, 0, payload.Length);
        switch (type)
        {
            case MessageType.Hello:
                var hello = new BoardHello(r.String() ?? "", r.String() ?? "", r.Address(), (ushort)r.Int(), r.Varint(), r.Int());
                _hello.TrySetResult(r.AtEnd ? hello : hello with { MaxPayload = r.Int() });
                break;
            case MessageType.Heartbeat:
                uint generation = r.Varint();
                int count = r.Count(6);
                var pods = new List<PodReport>();
                for (int i = 0; i < count && !r.Failed; i++)
                {
                    pods.Add(new PodReport(r.String() ?? "", r.String() ?? "", r.String() ?? "", PodPhase.Name(r.Int()), r.String() ?? "", r.String() ?? ""));
                }

                var heartbeat = new BoardHeartbeat(generation, pods, r.Varint(), DateTimeOffset.UtcNow);
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

    private sealed record ExecCall(Action<int, ReadOnlyMemory<byte>> Output)
    {
        public TaskCompletionSource<int> Exit { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public override string ToString() => _hello.Task.IsCompletedSuccessfully
        ? $"{_hello.Task.Result.Name} ({Ipv4Address.Format(_hello.Task.Result.Address)})"
        : "board (no hello yet)";
}
