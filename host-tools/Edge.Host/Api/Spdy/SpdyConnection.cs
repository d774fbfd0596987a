using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Edge.Host.Api.Spdy;

/// <summary>
/// One end of a SPDY/3.1 connection, as Kubernetes' streaming endpoints speak it after an HTTP
/// upgrade (exec, attach, port-forward): the client opens every stream (odd IDs, SYN_STREAM with
/// headers saying what the stream is for), the server answers each with SYN_REPLY at once, and
/// data flows both ways until each side sends FIN. The server's end takes streams with
/// <see cref="AcceptAsync"/>; the client's (edgectl port-forward) opens them with
/// <see cref="OpenStreamAsync"/> and refuses any the server opens.
/// PING is echoed; SETTINGS and WINDOW_UPDATE are read and left alone (what Edge sends per
/// stream stays far below the 64 KiB initial window); HEADERS are decompressed, to keep the
/// zlib stream in step, and dropped. A frame that breaks the protocol ends the connection with
/// GOAWAY PROTOCOL_ERROR and the reason in <see cref="Problem"/>.
/// </summary>
public sealed class SpdyConnection : IAsyncDisposable
{
    private readonly Stream _transport;
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly SpdyHeaderDecoder _decoder = new();
    private readonly SpdyHeaderEncoder _encoder = new();
    private readonly ConcurrentDictionary<uint, SpdyStream> _streams = new();
    private readonly bool _client;
    private readonly Channel<SpdyStream> _opened = Channel.CreateUnbounded<SpdyStream>();
    private readonly CancellationTokenSource _gone = new();
    private readonly Task _reading;
    private uint _lastStreamId;
    private uint _nextOwnStreamId = 1;

    public SpdyConnection(Stream transport, bool client = false)
    {
        _transport = transport;
        _client = client;
        _reading = Task.Run(ReadFrames);
    }

    /// <summary>Cancelled once the peer hung up, said GOAWAY, or broke the protocol: nothing more comes from it.</summary>
    public CancellationToken PeerGone => _gone.Token;

    /// <summary>Why the connection was ended, when the peer broke SPDY's rules.</summary>
    public string? Problem { get; private set; }

    /// <summary>The next stream the client opens, or null once the connection has ended.</summary>
    public async Task<SpdyStream?> AcceptAsync(CancellationToken cancel)
    {
        try
        {
            return await _opened.Reader.ReadAsync(cancel);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    /// <summary>The client's side: opens a stream with <paramref name="headers"/> and returns it once the server has answered (SYN_REPLY).</summary>
    public async Task<SpdyStream> OpenStreamAsync(IReadOnlyDictionary<string, string> headers, CancellationToken cancel)
    {
        SpdyStream stream;
        await _writing.WaitAsync(cancel);
        try
        {
            if (_gone.IsCancellationRequested)
            {
                throw new IOException(Problem ?? "the connection is closed");
            }

            uint id = _nextOwnStreamId;
            _nextOwnStreamId += 2;
            stream = new SpdyStream(this, id, headers);
            _streams[id] = stream;
            byte[] block = _encoder.Encode(headers);
            byte[] payload = new byte[10 + block.Length]; // stream ID, no associated stream, priority 0, slot 0, headers
            BinaryPrimitives.WriteUInt32BigEndian(payload, id);
            block.CopyTo(payload, 10);
            await _transport.WriteAsync(SpdyFrame.Control(SpdyControlType.SynStream, 0, payload), cancel);
            await _transport.FlushAsync(cancel);
        }
        finally
        {
            _writing.Release();
        }

        await stream.Replied.Task.WaitAsync(cancel);
        return stream;
    }

    /// <summary>Waits, at most <paramref name="patience"/>, for the client to close its end (kubectl closes once it has the result).</summary>
    public async Task WaitForPeerAsync(TimeSpan patience) => await Task.WhenAny(_reading, Task.Delay(patience));

    /// <summary>GOAWAY (nothing more will be taken), then the connection closes.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await SendAsync(SpdyFrame.GoAway(_lastStreamId, SpdyGoAwayStatus.Ok));
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // the peer is gone already
        }

        await _transport.DisposeAsync();
        await Task.WhenAny(_reading, Task.Delay(TimeSpan.FromSeconds(5)));
        _decoder.Dispose();
        _encoder.Dispose();
    }

    /// <summary>One frame onto the wire, whole, never interleaved with another.</summary>
    internal async Task SendAsync(byte[] frame)
    {
        await _writing.WaitAsync();
        try
        {
            await _transport.WriteAsync(frame);
            await _transport.FlushAsync();
        }
        finally
        {
            _writing.Release();
        }
    }

    private async Task ReadFrames()
    {
        try
        {
            while (await SpdyFrame.ReadAsync(_transport, CancellationToken.None) is SpdyFrame frame)
            {
                if (!frame.IsControl)
                {
                    await OnData(frame);
                    continue;
                }

                switch (frame.Type)
                {
                    case SpdyControlType.SynStream:
                        await OnSynStream(frame);
                        break;
                    case SpdyControlType.SynReply:
                        _decoder.Decode(frame.Payload.AsSpan(4));
                        if (_streams.TryGetValue(frame.ControlStreamId, out SpdyStream? replied))
                        {
                            replied.Replied.TrySetResult();
                        }

                        break;
                    case SpdyControlType.Headers:
                        _ = frame.ControlStreamId;
                        _decoder.Decode(frame.Payload.AsSpan(4));
                        break;
                    case SpdyControlType.RstStream:
                        if (_streams.TryRemove(frame.ControlStreamId, out SpdyStream? reset))
                        {
                            reset.EndInput(reset: true);
                        }

                        break;
                    case SpdyControlType.Ping:
                        if (frame.Payload.Length != 4)
                        {
                            throw new SpdyProtocolException($"a PING of {frame.Payload.Length} bytes; it carries a 4-byte ID");
                        }

                        await SendAsync(SpdyFrame.Control(SpdyControlType.Ping, 0, frame.Payload));
                        break;
                    case SpdyControlType.GoAway:
                        return;
                    default:
                        break; // SETTINGS, WINDOW_UPDATE, and types this version does not know (2.2.1: ignored)
                }
            }
        }
        catch (SpdyProtocolException e)
        {
            Problem = e.Message;
            try
            {
                await SendAsync(SpdyFrame.GoAway(_lastStreamId, SpdyGoAwayStatus.ProtocolError));
            }
            catch (Exception gone) when (gone is IOException or ObjectDisposedException)
            {
                // nobody left to tell
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // the connection went
        }
        finally
        {
            _gone.Cancel(); // first: a stream opened from here on is refused, one opened before is ended below
            foreach (SpdyStream stream in _streams.Values)
            {
                stream.EndInput(reset: false);
            }

            _opened.Writer.TryComplete();
        }
    }

    /// <summary>SYN_STREAM (2.6.1): stream ID, associated stream, priority and slot, then the header block.</summary>
    private async Task OnSynStream(SpdyFrame frame)
    {
        if (frame.Payload.Length < 10)
        {
            throw new SpdyProtocolException($"a SYN_STREAM of {frame.Payload.Length} bytes");
        }

        uint id = frame.ControlStreamId;
        Dictionary<string, string> headers = _decoder.Decode(frame.Payload.AsSpan(10));
        if (_client)
        {
            await SendAsync(SpdyFrame.RstStream(id, SpdyResetStatus.RefusedStream)); // nothing here serves streams a server opens
            return;
        }

        if (id % 2 == 0 || id <= _lastStreamId)
        {
            throw new SpdyProtocolException($"stream {id} opened by the client after stream {_lastStreamId}: client streams are odd and increasing");
        }

        _lastStreamId = id;
        var stream = new SpdyStream(this, id, headers);
        stream.Replied.TrySetResult(); // answered below
        if (frame.Fin)
        {
            stream.EndInput(reset: false);
        }
        else
        {
            _streams[id] = stream;
        }

        await _writing.WaitAsync();
        try
        {
            // Encoded under the write lock: the peer decompresses blocks in the order they arrive.
            await _transport.WriteAsync(SpdyFrame.SynReply(id, _encoder.Encode([])));
            await _transport.FlushAsync();
        }
        finally
        {
            _writing.Release();
        }

        _opened.Writer.TryWrite(stream);
    }

    private async Task OnData(SpdyFrame frame)
    {
        if (!_streams.TryGetValue(frame.StreamId, out SpdyStream? stream))
        {
            await SendAsync(SpdyFrame.RstStream(frame.StreamId, SpdyResetStatus.InvalidStream)); // 2.2.2: data for a stream not open
            return;
        }

        if (frame.Payload.Length > 0)
        {
            stream.Deliver(frame.Payload);
        }

        if (frame.Fin)
        {
            _streams.TryRemove(frame.StreamId, out _);
            stream.EndInput(reset: false);
        }
    }
}

/// <summary>
/// One stream of a <see cref="SpdyConnection"/>: the client's headers, what it sends (until its
/// FIN or a reset), and this side's data and FIN.
/// </summary>
public sealed class SpdyStream
{
    /// <summary>The largest data frame sent: well inside any peer's limits.</summary>
    public const int MaxDataFrame = 32 * 1024;

    private readonly SpdyConnection _connection;
    private readonly Channel<byte[]> _input = Channel.CreateUnbounded<byte[]>(new() { SingleReader = true, SingleWriter = true });
    private int _finSent;

    internal SpdyStream(SpdyConnection connection, uint id, IReadOnlyDictionary<string, string> headers)
    {
        _connection = connection;
        Id = id;
        Headers = headers;
    }

    public uint Id { get; }

    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The client reset the stream rather than ending it.</summary>
    public bool WasReset { get; private set; }

    /// <summary>What the client sends on the stream, ending at its FIN (or a reset, or the connection's end).</summary>
    public ChannelReader<byte[]> Input => _input.Reader;

    public string? Header(string name) => Headers.TryGetValue(name, out string? value) ? value : null;

    /// <summary>Everything the client sends until its FIN; more than <paramref name="limit"/> bytes stops the reading there (the length says so).</summary>
    public async Task<byte[]> ReadToEndAsync(int limit, CancellationToken cancel)
    {
        var all = new MemoryStream();
        await foreach (byte[] piece in _input.Reader.ReadAllAsync(cancel))
        {
            all.Write(piece);
            if (all.Length > limit)
            {
                break;
            }
        }

        return all.ToArray();
    }

    public async Task WriteAsync(ReadOnlyMemory<byte> data)
    {
        for (int offset = 0; offset < data.Length; offset += MaxDataFrame)
        {
            int n = Math.Min(MaxDataFrame, data.Length - offset);
            await _connection.SendAsync(SpdyFrame.Data(Id, 0, data.Span.Slice(offset, n)));
        }
    }

    /// <summary>This side's FIN: an empty data frame with FLAG_FIN, once.</summary>
    public async Task CloseAsync()
    {
        if (Interlocked.Exchange(ref _finSent, 1) == 0)
        {
            await _connection.SendAsync(SpdyFrame.Data(Id, SpdyFrame.FlagFin, []));
        }
    }

    internal void Deliver(byte[] data) => _input.Writer.TryWrite(data);

    /// <summary>The server's SYN_REPLY to a stream this side opened.</summary>
    internal TaskCompletionSource Replied { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal void EndInput(bool reset)
    {
        WasReset |= reset;
        _input.Writer.TryComplete();
        Replied.TrySetException(new IOException(reset ? $"the server reset stream {Id}" : "the connection closed"));
    }
}
