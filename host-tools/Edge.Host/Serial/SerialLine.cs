using System.Runtime.InteropServices;

namespace Edge.Host.Serial;

/// <summary>
/// A board's serial/USB line as a Stream, in raw mode at a fixed baud rate (8N1, no flow
/// control, no echo, no line editing: the framed protocol carries its own checks). The fd is
/// non-blocking and reads wait in poll() a slice at a time, so cancelling a read, closing the
/// line and a board unplugged mid-read all return promptly instead of hanging a thread.
/// </summary>
public sealed unsafe class SerialLine : Stream
{
    private const int PollSliceMs = 100;
    private int _fd;

    private SerialLine(int fd, string path)
    {
        _fd = fd;
        Path = path;
    }

    public string Path { get; }

    /// <summary>Opens a serial device (/dev/ttyUSB0, /dev/ttyACM0, a pty) raw at the given baud rate.</summary>
    public static SerialLine Open(string path, int baud = 115200)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("serial lines are supported on Linux; use virtual boards (edgectl lab up) elsewhere");
        }

        uint speed = PosixTerminal.SpeedConstant(baud);
        int fd = PosixTerminal.Open(path, PosixTerminal.ORdWr | PosixTerminal.ONoCtty | PosixTerminal.ONonBlock);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new IOException(errno switch
            {
                2 => $"{path}: no such device; is the board plugged in? (`edgectl boards` lists serial ports)",
                13 => $"{path}: permission denied; add yourself to the dialout group (sudo usermod -aG dialout $USER, then log in again)",
                16 => $"{path}: busy; another program (a serial monitor, another edgectl) has it open",
                _ => $"{path}: cannot open: {Marshal.GetPInvokeErrorMessage(errno)}",
            });
        }

        byte* termios = stackalloc byte[PosixTerminal.TermiosSize];
        if (PosixTerminal.TcGetAttr(fd, termios) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            PosixTerminal.Close(fd);
            throw new IOException($"{path}: not a serial line ({Marshal.GetPInvokeErrorMessage(errno)})");
        }

        PosixTerminal.CfMakeRaw(termios);
        PosixTerminal.CfSetSpeed(termios, speed);
        if (PosixTerminal.TcSetAttr(fd, PosixTerminal.TcsaNow, termios) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            PosixTerminal.Close(fd);
            throw new IOException($"{path}: cannot set raw mode at {baud} baud: {Marshal.GetPInvokeErrorMessage(errno)}");
        }

        return new SerialLine(fd, path);
    }

    public override bool CanRead => _fd >= 0;
    public override bool CanWrite => _fd >= 0;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => ReadCore(buffer, CancellationToken.None);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        new(Task.Run(() => ReadCore(buffer.Span, cancellationToken), CancellationToken.None));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            int fd = LiveFd();
            nint n;
            fixed (byte* p = buffer)
            {
                n = PosixTerminal.Write(fd, p, buffer.Length);
            }

            if (n > 0)
            {
                buffer = buffer[(int)n..];
                continue;
            }

            int errno = Marshal.GetLastPInvokeError();
            if (n < 0 && errno is not (PosixTerminal.EAgain or PosixTerminal.EIntr))
            {
                throw new IOException($"{Path}: write failed: {Marshal.GetPInvokeErrorMessage(errno)} (board unplugged?)");
            }

            WaitFor(fd, PosixTerminal.PollOut, PollSliceMs); // the line's buffer is full: 115200 baud drains ~1.1 KB per 100 ms
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            PosixTerminal.Close(fd);
        }

        base.Dispose(disposing);
    }

    /// <summary>Bytes available, waiting in slices; 0 means the line closed (or the board went away).</summary>
    private int ReadCore(Span<byte> buffer, CancellationToken cancel)
    {
        while (true)
        {
            cancel.ThrowIfCancellationRequested();
            int fd = _fd;
            if (fd < 0)
            {
                return 0;
            }

            nint n;
            fixed (byte* p = buffer)
            {
                n = PosixTerminal.Read(fd, p, buffer.Length);
            }

            if (n > 0)
            {
                return (int)n;
            }

            int errno = Marshal.GetLastPInvokeError();
            if (n == 0 || errno is not (PosixTerminal.EAgain or PosixTerminal.EIntr))
            {
                return 0; // EIO when a USB serial adapter is pulled or the pty's other end closes
            }

            WaitFor(fd, PosixTerminal.PollIn, PollSliceMs);
        }
    }

    private int LiveFd() => _fd >= 0 ? _fd : throw new ObjectDisposedException(Path);

    private static void WaitFor(int fd, short events, int timeoutMs)
    {
        var poll = new PosixTerminal.PollFd { Fd = fd, Events = events };
        PosixTerminal.Poll(&poll, 1, timeoutMs);
    }
}
