namespace Edge.VirtualBoard.Platform;

/// <summary>
/// A fixed-size ring of bytes: what one side of a TLS connection holds between the board loop
/// and the thread moving bytes through SslStream. Not thread-safe: its owner locks around it.
/// </summary>
internal sealed class ByteRing(int capacity)
{
    private readonly byte[] _bytes = new byte[capacity];
    private int _start;

    public int Count { get; private set; }

    public int Free => _bytes.Length - Count;

    /// <summary>Takes as many of the bytes as there is room for; returns how many.</summary>
    public int Write(byte[] source, int offset, int length)
    {
        int n = Math.Min(length, Free);
        int end = (_start + Count) % _bytes.Length;
        int first = Math.Min(n, _bytes.Length - end);
        Array.Copy(source, offset, _bytes, end, first);
        Array.Copy(source, offset + first, _bytes, 0, n - first);
        Count += n;
        return n;
    }

    /// <summary>Copies out up to <paramref name="length"/> of the oldest bytes, leaving them in the ring.</summary>
    public int Peek(byte[] destination, int offset, int length)
    {
        int n = Math.Min(length, Count);
        int first = Math.Min(n, _bytes.Length - _start);
        Array.Copy(_bytes, _start, destination, offset, first);
        Array.Copy(_bytes, 0, destination, offset + first, n - first);
        return n;
    }

    /// <summary>Drops the oldest <paramref name="n"/> bytes (at most <see cref="Count"/>).</summary>
    public void Skip(int n)
    {
        n = Math.Min(n, Count);
        _start = (_start + n) % _bytes.Length;
        Count -= n;
    }

    /// <summary>Moves up to <paramref name="length"/> of the oldest bytes out.</summary>
    public int Read(byte[] destination, int offset, int length)
    {
        int n = Peek(destination, offset, length);
        Skip(n);
        return n;
    }
}
