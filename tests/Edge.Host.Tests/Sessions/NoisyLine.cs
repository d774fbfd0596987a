using System.Collections.Concurrent;
using System.Threading.Channels;
using Edge.Dataplane.Platform;

namespace Edge.Host.Tests.Sessions;

/// <summary>
/// A management line in memory between a host's <see cref="Stream"/> end and a board's
/// <see cref="IByteStream"/> end, flipping bits at a given rate in both directions (the gaps
/// between errors drawn from a seeded generator, so a run is reproducible). Unplugged, both
/// ends see the line gone.
/// </summary>
public sealed class NoisyLine
{
    private readonly Channel<byte[]> _toHost = Channel.CreateUnbounded<byte[]>();
    private readonly ConcurrentQueue<byte[]> _toBoard = new();
    private readonly BitErrors _hostToBoard;
    private readonly BitErrors _boardToHost;
    private volatile bool _unplugged;

    public NoisyLine(double bitErrorRate, int seed)
    {
        _hostToBoard = new BitErrors(bitErrorRate, new Random(seed));
        _boardToHost = new BitErrors(bitErrorRate, new Random(seed + 1));
        Host = new HostEnd(this);
        Board = new BoardEnd(this);
    }

    public Stream Host { get; }
    public IByteStream Board { get; }

    public long BitsFlipped => _hostToBoard.Flipped + _boardToHost.Flipped;

    /// <summary>Bytes put on the board's end as if the host had sent them, noise-free (half a frame, say).</summary>
    public void InjectTowardsBoard(byte[] bytes) => _toBoard.Enqueue(bytes);

    public void Unplug()
    {
        _unplugged = true;
        _toHost.Writer.TryComplete();
    }

    private sealed class BitErrors(double rate, Random random)
    {
        private long _untilNext = Gap(rate, random);
        public long Flipped;

        public byte[] Apply(byte[] bytes)
        {
            for (int bit = 0; bit < bytes.Length * 8; bit++)
            {
                if (--_untilNext > 0)
                {
                    continue;
                }

                bytes[bit / 8] ^= (byte)(1 << (bit % 8));
                Flipped++;
                _untilNext = Gap(rate, random);
            }

            return bytes;
        }

        // Bits until the next error: geometric with the given rate (none on a clean line).
        private static long Gap(double rate, Random random) =>
            rate <= 0 ? long.MaxValue : 1 + (long)(Math.Log(1 - random.NextDouble()) / Math.Log(1 - rate));
    }

    private sealed class HostEnd(NoisyLine line) : Stream
    {
        private byte[] _pending = [];
        private int _at;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancel = default)
        {
            if (_at == _pending.Length)
            {
                if (!await line._toHost.Reader.WaitToReadAsync(cancel) || !line._toHost.Reader.TryRead(out byte[]? next))
                {
                    return 0;
                }

                _pending = next;
                _at = 0;
            }

            int n = Math.Min(buffer.Length, _pending.Length - _at);
            _pending.AsMemory(_at, n).CopyTo(buffer);
            _at += n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (line._unplugged)
            {
                throw new IOException("unplugged");
            }

            line._toBoard.Enqueue(line._hostToBoard.Apply(buffer.AsSpan(offset, count).ToArray()));
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancel = default)
        {
            Write(buffer.ToArray(), 0, buffer.Length);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancel)
        {
            Write(buffer, offset, count);
            return Task.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancel) => Task.CompletedTask;

        public override bool CanRead => true;
        public override bool CanWrite => true;
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private sealed class BoardEnd(NoisyLine line) : IByteStream
    {
        private byte[] _pending = [];
        private int _at;

        public int Read(byte[] buffer, int offset, int length)
        {
            if (_at == _pending.Length)
            {
                if (!line._toBoard.TryDequeue(out byte[]? next))
                {
                    return line._unplugged ? -1 : 0;
                }

                _pending = next;
                _at = 0;
            }

            int n = Math.Min(length, _pending.Length - _at);
            Array.Copy(_pending, _at, buffer, offset, n);
            _at += n;
            return n;
        }

        public int Write(byte[] buffer, int offset, int length)
        {
            if (line._unplugged)
            {
                return -1;
            }

            line._toHost.Writer.TryWrite(line._boardToHost.Apply(buffer.AsSpan(offset, length).ToArray()));
            return length;
        }
    }
}
