using Edge.Dataplane.Mgmt;
using FsCheck.Fluent;

namespace Edge.Dataplane.Tests.Mgmt;

[Trait("Category", Category.Unit)]
public sealed class FrameReaderTests
{
    private static byte[] FrameOf(byte type, ushort id, byte[] payload, byte version = Frame.Version)
    {
        byte[] b = new byte[Frame.HeaderLength + payload.Length + Frame.TrailerLength];
        payload.CopyTo(b, Frame.HeaderLength);
        Frame.Seal(b, 0, type, id, payload.Length);
        if (version != Frame.Version)
        {
            b[2] = version;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(b.Length - 4), Crc32.Compute(b, 2, Frame.HeaderLength - 2 + payload.Length));
        }

        return b;
    }

    private static List<(byte Type, ushort Id, byte[] Payload)> ReadAll(FrameReader reader, byte[] stream, int chunk)
    {
        var frames = new List<(byte, ushort, byte[])>();
        for (int at = 0; at < stream.Length; at += chunk)
        {
            int n = Math.Min(chunk, stream.Length - at);
            int taken = 0;
            while (taken < n)
            {
                taken += reader.Push(stream, at + taken, n - taken);
                while (reader.Next())
                {
                    frames.Add((reader.Type, reader.RequestId, reader.Payload.AsSpan(reader.PayloadOffset, reader.PayloadLength).ToArray()));
                }
            }
        }

        return frames;
    }

    /// <summary>A line that hands over at most <c>chunk</c> bytes a read, and counts what is left in it.</summary>
    private sealed class ChunkedLine(byte[] stream, int chunk) : Edge.Dataplane.Platform.IByteStream
    {
        private int _at;

        public int Left => stream.Length - _at;

        public int Read(byte[] buffer, int offset, int length)
        {
            int n = Math.Min(Math.Min(length, chunk), Left);
            Array.Copy(stream, _at, buffer, offset, n);
            _at += n;
            return n;
        }

        public int Write(byte[] buffer, int offset, int length) => length;
    }

    // As a board's session reads: from the line into the reader, then every whole frame.
    private static List<(byte Type, ushort Id, byte[] Payload)> ReadFromLine(FrameReader reader, ChunkedLine line)
    {
        var frames = new List<(byte, ushort, byte[])>();
        for (int round = 0; round < 100_000 && (line.Left > 0 || reader.Holding); round++)
        {
            int n = reader.ReadFrom(line);
            int before = frames.Count;
            while (reader.Next())
            {
                frames.Add((reader.Type, reader.RequestId, reader.Payload.AsSpan(reader.PayloadOffset, reader.PayloadLength).ToArray()));
            }

            if (n == 0 && frames.Count == before)
            {
                break; // what is left is garbage that never became a frame
            }
        }

        return frames;
    }

    [Fact]
    public void A_boards_reader_reads_no_further_than_the_frame_it_is_on_so_once_that_is_taken_it_holds_nothing()
    {
        byte[] first = FrameOf(MessageType.Snapshot, 1, new byte[300]);
        byte[] second = FrameOf(MessageType.Ack, 2, [7]);
        var line = new ChunkedLine([.. first, .. second], 1000);
        var reader = new FrameReader(1280, 1280);

        while (!reader.Next())
        {
            Assert.True(reader.ReadFrom(line) > 0);
        }

        Assert.Equal((ushort)1, reader.RequestId);
        Assert.False(reader.Holding); // the buffer may now carry the board's answer
        Assert.Equal(second.Length, line.Left);
        Assert.Equal([(MessageType.Ack, (ushort)2)], ReadFromLine(reader, line).Select(f => (f.Type, f.Id)));
    }

    [Fact]
    public void A_boards_reader_skips_garbage_between_frames_and_every_frame_survives()
    {
        Properties.Check(Properties.Bytes(0, 64).Zip(Properties.Bytes(0, 200)), input =>
        {
            (byte[] garbage, byte[] payload) = input;
            byte[] stream = [.. garbage, .. FrameOf(MessageType.Snapshot, 7, payload), .. garbage, .. FrameOf(MessageType.Ack, 8, [9]), .. garbage];

            var frames = ReadFromLine(new FrameReader(256, 256), new ChunkedLine(stream, 13));

            Assert.Equal([(ushort)7, (ushort)8], frames.Select(f => f.Id));
            Assert.Equal(payload, frames[0].Payload);
        }, maxTests: 500);
    }

    [Fact]
    public void A_small_boards_reader_takes_frames_up_to_its_size_and_skips_larger_ones_as_garbage()
    {
        var reader = new FrameReader(4096);
        byte[] fits = FrameOf(MessageType.Snapshot, 1, Enumerable.Range(0, 4096).Select(i => (byte)i).ToArray());
        byte[] tooBig = FrameOf(MessageType.Snapshot, 2, new byte[5000]);
        byte[] after = FrameOf(MessageType.Heartbeat, 3, [1, 2, 3]);

        var frames = ReadAll(reader, [.. fits, .. tooBig, .. after], 500);

        Assert.Equal([(ushort)1, (ushort)3], frames.Select(f => f.Id));
        Assert.Equal(4096, frames[0].Payload.Length);
        Assert.True(reader.GarbageBytes >= tooBig.Length - 16);
    }

    [Fact]
    public void CRC_32_matches_the_standard_check_value()
    {
        byte[] check = "123456789"u8.ToArray();

        Assert.Equal(0xCBF43926u, Crc32.Compute(check, 0, check.Length));
    }

    [Fact]
    public void The_nibble_table_CRC_agrees_with_the_bit_by_bit_definition_on_any_bytes()
    {
        static uint BitByBit(byte[] b)
        {
            uint crc = 0xFFFFFFFF;
            foreach (byte x in b)
            {
                crc ^= x;
                for (int k = 0; k < 8; k++)
                {
                    crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
                }
            }

            return ~crc;
        }

        var random = new Random(32);
        for (int n = 0; n < 200; n++)
        {
            byte[] data = new byte[random.Next(0, 300)];
            random.NextBytes(data);
            Assert.Equal(BitByBit(data), Crc32.Compute(data, 0, data.Length));
        }
    }

    [Fact]
    public void Frames_split_anywhere_come_out_whole_and_in_order()
    {
        byte[] stream = [.. FrameOf(MessageType.Hello, 1, [1, 2, 3]), .. FrameOf(MessageType.Ack, 2, []), .. FrameOf(MessageType.Event, 0, new byte[300])];

        foreach (int chunk in new[] { 1, 2, 7, 64, stream.Length })
        {
            var frames = ReadAll(new FrameReader(), stream, chunk);
            Assert.Equal([(MessageType.Hello, (ushort)1), (MessageType.Ack, (ushort)2), (MessageType.Event, (ushort)0)], frames.Select(f => (f.Type, f.Id)));
            Assert.Equal(300, frames[2].Payload.Length);
        }
    }

    [Fact]
    public void Garbage_between_frames_is_skipped_and_counted_and_every_frame_survives()
    {
        Properties.Check(Properties.Bytes(0, 64).Zip(Properties.Bytes(0, 200)), input =>
        {
            (byte[] garbage, byte[] payload) = input;
            byte[] stream = [.. garbage, .. FrameOf(MessageType.Snapshot, 7, payload), .. garbage, .. FrameOf(MessageType.Ack, 8, [9]), .. garbage];
            var reader = new FrameReader();

            var frames = ReadAll(reader, stream, 13);

            Assert.Equal([(ushort)7, (ushort)8], frames.Select(f => f.Id));
            Assert.Equal(payload, frames[0].Payload);
        }, maxTests: 500);
    }

    [Fact]
    public void A_corrupted_frame_is_lost_alone_and_the_next_one_arrives()
    {
        byte[] bad = FrameOf(MessageType.Snapshot, 1, new byte[50]);
        bad[20] ^= 0x40;
        var reader = new FrameReader();

        var frames = ReadAll(reader, [.. bad, .. FrameOf(MessageType.Ack, 2, [])], 5);

        Assert.Equal([(ushort)2], frames.Select(f => f.Id));
        Assert.True(reader.BadFrames >= 1);
    }

    [Fact]
    public void A_frame_of_a_newer_protocol_version_is_skipped_not_misread()
    {
        var reader = new FrameReader();

        var frames = ReadAll(reader, [.. FrameOf(MessageType.Hello, 1, [1], version: 2), .. FrameOf(MessageType.Hello, 2, [2])], 100);

        Assert.Equal([(ushort)2], frames.Select(f => f.Id));
        Assert.Equal(1, reader.UnknownVersion);
    }

    [Fact]
    public void Endless_garbage_never_fills_the_reader()
    {
        var reader = new FrameReader();
        byte[] noise = new byte[4096];
        new Random(3).NextBytes(noise);
        for (int i = 0; i < 100; i++)
        {
            int taken = 0;
            while (taken < noise.Length)
            {
                taken += reader.Push(noise, taken, noise.Length - taken);
                while (reader.Next())
                {
                }
            }
        }

        var after = ReadAll(reader, FrameOf(MessageType.Ack, 5, []), 1);
        Assert.Equal([(ushort)5], after.Select(f => f.Id));
    }
}
