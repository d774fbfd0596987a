using System.Net.Security;
using System.Net.Sockets;

namespace Edge.VirtualBoard.Platform;

/// <summary>
/// A TLS connection through its handshake, as the board loop sees it: plaintext through
/// <see cref="Receive"/> and <see cref="Send"/>, which return at once with the contract of a plain
/// TCP connection's (<c>IHostSockets</c>). Two pumps move the bytes through SslStream off the loop,
/// each over a bounded buffer (<see cref="BufferBytes"/> each way): the reader stops reading the
/// socket while the loop has not taken what it read, and Send takes nothing while the writer is
/// that far behind. The loop is woken when plaintext arrives, the peer closes, or a full send
/// buffer has room again. The connection holds one of the board's TLS sessions until it ends.
/// </summary>
internal sealed class OsTlsConnection
{
    public const int BufferBytes = 16 * 1024;

    /// <summary>How long a closed connection may take to send what it still holds and its close_notify.</summary>
    public static readonly TimeSpan FlushOnClose = TimeSpan.FromSeconds(5);

    private readonly SslStream _stream;
    private readonly Socket _socket;
    private readonly TlsSessionGate _sessions;
    private readonly LoopWake _wake;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _lock = new();
    private readonly ByteRing _in = new(BufferBytes);
    private readonly ByteRing _out = new(BufferBytes);
    private readonly SemaphoreSlim _inHasRoom = new(0, 1);
    private readonly SemaphoreSlim _outHasBytes = new(0, 1);
    private Task _writer = Task.CompletedTask;
    private bool _peerDone;   // the peer's close_notify or FIN, or a failed read: -1 once _in is drained
    private bool _failed;     // writing failed: Send says -1
    private bool _shutdown;   // ShutdownSend: close_notify after what is queued
    private bool _closing;    // Close: flush, close_notify, end
    private bool _sendRefused; // Send found _out full: wake the loop when it has room
    private int _ended;

    /// <summary>Over <paramref name="stream"/>, authenticated, which owns <paramref name="socket"/>.</summary>
    public OsTlsConnection(SslStream stream, Socket socket, uint remoteAddress, ushort remotePort, TlsSessionGate sessions, LoopWake wake)
    {
        _stream = stream;
        _socket = socket;
        RemoteAddress = remoteAddress;
        RemotePort = remotePort;
        _sessions = sessions;
        _wake = wake;
    }

    public uint RemoteAddress { get; }
    public ushort RemotePort { get; }

    /// <summary>Its socket is closed and its session free.</summary>
    public bool Ended => Volatile.Read(ref _ended) != 0;

    /// <summary>Starts the pumps (once the connection is through its handshake).</summary>
    public void Start()
    {
        _ = Task.Run(ReadPump);
        _writer = Task.Run(WritePump);
    }

    /// <summary>Plaintext read into buffer; 0 when none is waiting; -1 once the peer closed (or the connection failed) and all it sent was read.</summary>
    public int Receive(byte[] buffer, int offset, int length)
    {
        lock (_lock)
        {
            if (_in.Count == 0)
            {
                return _peerDone || _closing ? -1 : 0;
            }

            int n = _in.Read(buffer, offset, length);
            Nudge(_inHasRoom);

            return n;
        }
    }

    /// <summary>Plaintext taken for sending; 0 when the buffer is full; -1 when writing failed or the sending side was shut.</summary>
    public int Send(byte[] buffer, int offset, int length)
    {
        lock (_lock)
        {
            if (_failed || _shutdown || _closing)
            {
                return -1;
            }

            int n = _out.Write(buffer, offset, length);
            _sendRefused |= n == 0 && length > 0;
            if (n > 0)
            {
                Nudge(_outHasBytes);
            }

            return n;
        }
    }

    /// <summary>After what was sent: close_notify, then FIN (a half close); receiving goes on.</summary>
    public void ShutdownSend()
    {
        lock (_lock)
        {
            if (!_shutdown && !_closing)
            {
                _shutdown = true;
                Nudge(_outHasBytes);
            }
        }
    }

    /// <summary>
    /// Ends the connection for the loop (its handle is free at once); off the loop, what it still
    /// holds to send and its close_notify go first, within <see cref="FlushOnClose"/>, then its
    /// socket closes and its session is free again.
    /// </summary>
    public void Close()
    {
        lock (_lock)
        {
            if (_closing)
            {
                return;
            }

            _closing = true;
            Nudge(_outHasBytes);
        }

        _ = EndAfter(_writer);
    }

    /// <summary>Ends the connection now, sending nothing more (the board is going away).</summary>
    public void Abort() => End();

    private async Task EndAfter(Task writer)
    {
        try
        {
            await writer.WaitAsync(FlushOnClose);
        }
        catch (TimeoutException)
        {
            // the peer takes nothing: end without the rest
        }

        End();
    }

    private void End()
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        _stop.Cancel();
        _stream.Dispose(); // and its socket: pumps waiting on it end
        _sessions.Give();
    }

    private async Task ReadPump()
    {
        byte[] chunk = new byte[BufferBytes];
        try
        {
            while (true)
            {
                int room;
                lock (_lock)
                {
                    room = _in.Free;
                }

                if (room == 0)
                {
                    await _inHasRoom.WaitAsync(_stop.Token);
                    continue;
                }

                int n = await _stream.ReadAsync(chunk.AsMemory(0, room), _stop.Token);
                lock (_lock)
                {
                    if (n == 0)
                    {
                        _peerDone = true;
                    }
                    else
                    {
                        _in.Write(chunk, 0, n);
                    }
                }

                _wake.Signal();
                if (n == 0)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (IsConnectionEnd(e))
        {
            lock (_lock)
            {
                _peerDone = true;
            }

            _wake.Signal();
        }
    }

    private async Task WritePump()
    {
        byte[] chunk = new byte[BufferBytes];
        try
        {
            while (true)
            {
                int n;
                bool finish;
                lock (_lock)
                {
                    n = _out.Peek(chunk, 0, chunk.Length);
                    finish = _shutdown || _closing;
                }

                if (n > 0)
                {
                    await _stream.WriteAsync(chunk.AsMemory(0, n), _stop.Token);
                    bool wake;
                    lock (_lock)
                    {
                        _out.Skip(n);
                        wake = _sendRefused;
                        _sendRefused = false;
                    }

                    if (wake)
                    {
                        _wake.Signal();
                    }

                    continue;
                }

                if (finish)
                {
                    await _stream.ShutdownAsync(); // close_notify after the last byte
                    lock (_lock)
                    {
                        if (_closing)
                        {
                            return; // End closes the socket
                        }
                    }

                    _socket.Shutdown(SocketShutdown.Send);
                    return;
                }

                await _outHasBytes.WaitAsync(_stop.Token);
            }
        }
        catch (Exception e) when (IsConnectionEnd(e))
        {
            lock (_lock)
            {
                _failed = true;
            }

            _wake.Signal();
        }
    }

    // Wakes the pump waiting on the signal, or lets its next wait through. Called under _lock only,
    // so no two releases race past the check (the pumps only take): the count never passes 1.
    private static void Nudge(SemaphoreSlim signal)
    {
        if (signal.CurrentCount == 0)
        {
            signal.Release();
        }
    }

    // What ends a pump: the peer, the network, or End disposing the stream under it.
    private static bool IsConnectionEnd(Exception e) =>
        e is IOException or SocketException or ObjectDisposedException or OperationCanceledException
            or System.Security.Authentication.AuthenticationException or InvalidOperationException or NotSupportedException;
}
