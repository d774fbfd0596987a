using Edge.VirtualBoard.Platform;

namespace Edge.VirtualBoard.Tests;

/// <summary>The ring a TLS connection's plaintext waits in: bytes come out in order across its end, and it never takes more than it holds.</summary>
[Trait("Category", Category.Unit)]
public sealed class ByteRingTests
{
    [Fact]
    public void Bytes_come_out_in_the_order_they_went_in_across_the_end_of_the_ring()
    {
        var ring = new ByteRing(8);
        byte[] output = new byte[8];
        Assert.Equal(6, ring.Write([1, 2, 3, 4, 5, 6], 0, 6));
        Assert.Equal(4, ring.Read(output, 0, 4));
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, output[..4]);

        Assert.Equal(5, ring.Write([7, 8, 9, 10, 11], 0, 5)); // wraps
        Assert.Equal(7, ring.Count);
        Assert.Equal(1, ring.Free);
        Assert.Equal(7, ring.Peek(output, 0, 8));
        Assert.Equal(new byte[] { 5, 6, 7, 8, 9, 10, 11 }, output[..7]);
        Assert.Equal(7, ring.Count); // a peek leaves them

        ring.Skip(3);
        Assert.Equal(4, ring.Read(output, 1, 7));
        Assert.Equal(new byte[] { 8, 9, 10, 11 }, output[1..5]);
        Assert.Equal(0, ring.Count);
    }

    [Fact]
    public void A_full_ring_takes_nothing_and_an_empty_one_gives_nothing()
    {
        var ring = new ByteRing(4);
        Assert.Equal(4, ring.Write([1, 2, 3, 4, 5], 0, 5));
        Assert.Equal(0, ring.Write([6], 0, 1));
        ring.Skip(10);
        Assert.Equal(0, ring.Count);
        Assert.Equal(0, ring.Read(new byte[4], 0, 4));
    }
}
