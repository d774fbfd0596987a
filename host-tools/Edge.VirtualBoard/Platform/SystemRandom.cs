using System.Buffers.Binary;
using System.Security.Cryptography;
using Edge.Dataplane.Platform;

namespace Edge.VirtualBoard.Platform;

/// <summary>Cryptographic randomness, as a board's hardware RNG gives (sequence numbers must not be guessable).</summary>
public sealed class SystemRandom : IRandomSource
{
    public uint NextUInt32()
    {
        Span<byte> bytes = stackalloc byte[4];
        RandomNumberGenerator.Fill(bytes);
        return BinaryPrimitives.ReadUInt32LittleEndian(bytes);
    }
}
