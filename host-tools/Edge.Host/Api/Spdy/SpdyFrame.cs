using System.Buffers.Binary;

namespace Edge.Host.Api.Spdy;

/// <summary>SPDY/3 control frame types (draft-mbelshe-httpbis-spdy-00, 2.6).</summary>
public enum SpdyControlType : ushort
{
    SynStream = 1,
    SynReply = 2,
    RstStream = 3,
    Settings = 4,
    Ping = 6,
    GoAway = 7,
    Headers = 8,
    WindowUpdate = 9,
}

/// <summary>
/// One SPDY/3 frame (2.2): eight bytes of header, then the payload. A control frame's header is
/// the control bit, the version (3) and the type, then flags and a 24-bit length; a data frame's
/// is the stream ID (control bit clear), then flags and length.
/// </summary>
public readonly record struct SpdyFrame(bool IsControl, SpdyControlType Type, uint StreamId, byte Flags, byte[] Payload)
{
    public const int HeaderLength = 8;
    public const int Version = 3;
    public const byte FlagFin = 0x01;

    /// <summary>The largest payload taken: kubectl's frames are a few KiB; anything near 16 MiB is not a client of ours.</summary>
    public const int MaxPayload = 1 << 20;

    public bool Fin => (Flags & FlagFin) != 0;

    /// <summary>The stream a control frame names in its first 31 bits (SYN_STREAM, SYN_REPLY, RST_STREAM, HEADERS, WINDOW_UPDATE).</summary>
    public uint ControlStreamId =>
        Payload.Length >= 4 ? BinaryPrimitives.ReadUInt32BigEndian(Payload) & 0x7FFF_FFFF : throw new SpdyProtocolException($"a {Type} frame of {Payload.Length} bytes has no stream ID");

    /// <summary>The next frame, or null when the peer closed the connection between frames.</summary>
    public static async Task<SpdyFrame?> ReadAsync(Stream transport, CancellationToken cancel)
    {
        byte[] header = new byte[HeaderLength];
        int got = await transport.ReadAtLeastAsync(header, HeaderLength, throwOnEndOfStream: false, cancel);
        if (got == 0)
        {
            return null;
        }

        if (got < HeaderLength)
        {
            throw new SpdyProtocolException($"the connection ended {got} bytes into a frame header");
        }

        byte flags = header[4];
        int length = (header[5] << 16) | (header[6] << 8) | header[7];
        if (length > MaxPayload)
        {
            throw new SpdyProtocolException($"a frame of {length} bytes; Edge takes at most {MaxPayload}");
        }

        byte[] payload = new byte[length];
        await transport.ReadExactlyAsync(payload, cancel);
        bool control = (header[0] & 0x80) != 0;
        if (!control)
        {
            return new SpdyFrame(false, 0, BinaryPrimitives.ReadUInt32BigEndian(header) & 0x7FFF_FFFF, flags, payload);
        }

        int version = BinaryPrimitives.ReadUInt16BigEndian(header) & 0x7FFF;
        if (version != Version)
        {
            throw new SpdyProtocolException($"a SPDY/{version} frame; Edge speaks SPDY/3.1");
        }

        return new SpdyFrame(true, (SpdyControlType)BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(2)), 0, flags, payload);
    }

    /// <summary>A control frame of <paramref name="type"/> around <paramref name="payload"/>.</summary>
    public static byte[] Control(SpdyControlType type, byte flags, ReadOnlySpan<byte> payload)
    {
        byte[] frame = new byte[HeaderLength + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(frame, 0x8000 | Version);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)type);
        WriteFlagsAndLength(frame, flags, payload.Length);
        payload.CopyTo(frame.AsSpan(HeaderLength));
        return frame;
    }

    /// <summary>A data frame on <paramref name="streamId"/>.</summary>
    public static byte[] Data(uint streamId, byte flags, ReadOnlySpan<byte> data)
    {
        byte[] frame = new byte[HeaderLength + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, streamId & 0x7FFF_FFFF);
        WriteFlagsAndLength(frame, flags, data.Length);
        data.CopyTo(frame.AsSpan(HeaderLength));
        return frame;
    }

    /// <summary>SYN_REPLY (2.6.2): the stream ID, then the compressed header block.</summary>
    public static byte[] SynReply(uint streamId, ReadOnlySpan<byte> headerBlock) => Control(SpdyControlType.SynReply, 0, StreamIdThen(streamId, headerBlock));

    /// <summary>RST_STREAM (2.6.3): the stream ID and a status code.</summary>
    public static byte[] RstStream(uint streamId, SpdyResetStatus status) => Control(SpdyControlType.RstStream, 0, TwoWords(streamId, (uint)status));

    /// <summary>GOAWAY (2.6.6): the last stream this side took, and why it goes.</summary>
    public static byte[] GoAway(uint lastGoodStreamId, SpdyGoAwayStatus status) => Control(SpdyControlType.GoAway, 0, TwoWords(lastGoodStreamId, (uint)status));

    private static byte[] StreamIdThen(uint streamId, ReadOnlySpan<byte> rest)
    {
        byte[] payload = new byte[4 + rest.Length];
        BinaryPrimitives.WriteUInt32BigEndian(payload, streamId & 0x7FFF_FFFF);
        rest.CopyTo(payload.AsSpan(4));
        return payload;
    }

    private static byte[] TwoWords(uint first, uint second)
    {
        byte[] payload = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(payload, first & 0x7FFF_FFFF);
        BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(4), second);
        return payload;
    }

    private static void WriteFlagsAndLength(byte[] frame, byte flags, int length)
    {
        frame[4] = flags;
        frame[5] = (byte)(length >> 16);
        frame[6] = (byte)(length >> 8);
        frame[7] = (byte)length;
    }
}

/// <summary>RST_STREAM status codes (2.6.3).</summary>
public enum SpdyResetStatus : uint
{
    ProtocolError = 1,
    InvalidStream = 2,
    RefusedStream = 3,
    Cancel = 5,
    StreamAlreadyClosed = 9,
}

/// <summary>GOAWAY status codes (2.6.6).</summary>
public enum SpdyGoAwayStatus : uint
{
    Ok = 0,
    ProtocolError = 1,
    InternalError = 2,
}

/// <summary>The peer broke SPDY/3's rules; the connection ends with GOAWAY PROTOCOL_ERROR.</summary>
public sealed class SpdyProtocolException(string message) : Exception(message);
