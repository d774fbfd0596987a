using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Mgmt
{
    /// <summary>
    /// Reassembles frames from a byte stream that may split them anywhere and mix in garbage.
    /// Feed bytes with <see cref="Push"/>, take whole frames with <see cref="Next"/>. Bytes that
    /// cannot start a valid frame are dropped and counted; a frame from a newer protocol
    /// version is skipped and counted (the session can say so), never misread.
    /// </summary>
    public sealed class FrameReader
    {
        private readonly byte[] _buffer;
        private readonly int _maxPayload;
        private int _count;

        // A board's reader reads no further than the frame it is putting together (the rest waits
        // in the line, lwIP's or the UART's), so that once that frame is taken the buffer holds
        // nothing else and can carry the frame the board answers with (BoardSession).
        private readonly bool _oneFrame;

        public long GarbageBytes;
        public long BadFrames;
        public long UnknownVersion;

        /// <summary>The last frame taken by Next: type, request ID, payload in <see cref="Payload"/> at [PayloadOffset, +PayloadLength).</summary>
        public byte Type;
        public ushort RequestId;

        /// <summary>
        /// The reader's own buffer: the payload is read where it arrived, not copied out (a small
        /// board has no room for a second frame-sized array). It stays valid until the next
        /// <see cref="Push"/> or <see cref="Next"/>, which let go of the frame.
        /// </summary>
        public readonly byte[] Payload;
        public int PayloadOffset;
        public int PayloadLength;

        // Bytes of the last frame handed out, consumed on the next call.
        private int _handedOut;

        public FrameReader()
            : this(Frame.MaxPayload)
        {
        }

        /// <summary>
        /// A reader for frames of at most <paramref name="maxPayload"/> bytes (a small board takes
        /// smaller frames): room for one whole frame, read into and handed out in place.
        /// </summary>
        public FrameReader(int maxPayload)
        {
            _maxPayload = maxPayload;
            _buffer = new byte[Frame.HeaderLength + maxPayload + Frame.TrailerLength];
            Payload = _buffer;
        }

        /// <summary>
        /// A board's reader: frames of at most <paramref name="maxPayload"/> bytes, read one at a
        /// time (never beyond the end of the one it is on), in a buffer with room for a frame of
        /// <paramref name="room"/> bytes of payload, which the board also writes its own frames in
        /// while the reader holds nothing but a frame it has handed out (<see cref="Holding"/>).
        /// </summary>
        public FrameReader(int maxPayload, int room)
        {
            _maxPayload = maxPayload;
            _buffer = new byte[Frame.HeaderLength + (room > maxPayload ? room : maxPayload) + Frame.TrailerLength];
            Payload = _buffer;
            _oneFrame = true;
        }

        /// <summary>Whether the reader holds bytes beyond the frame it handed out last (part of another frame, or what may be one).</summary>
        public bool Holding
        {
            get { return _count > _handedOut; }
        }

        /// <summary>Adds received bytes; returns how many were taken (all, unless the buffer is full: call Next first).</summary>
        public int Push(byte[] b, int offset, int length)
        {
            LetGo();
            int n = length < _buffer.Length - _count ? length : _buffer.Length - _count;
            System.Array.Copy(b, offset, _buffer, _count, n);
            _count += n;
            return n;
        }

        /// <summary>
        /// Reads from the line straight into the buffer's free end (no staging copy on a board);
        /// bytes read, 0 when nothing waits or the buffer is full (take frames with Next first),
        /// -1 when the line is gone.
        /// </summary>
        public int ReadFrom(Platform.IByteStream line)
        {
            LetGo();
            int free = _buffer.Length - _count;
            int wanted = _oneFrame ? Wanted() : free;
            if (wanted > 0 && wanted < free)
            {
                free = wanted;
            }

            if (free == 0)
            {
                return 0;
            }

            int n = line.Read(_buffer, _count, free);
            if (n > 0)
            {
                _count += n;
            }

            return n;
        }

        /// <summary>True with the next whole, checked frame in Type/RequestId/Payload; false when more bytes are needed.</summary>
        public bool Next()
        {
            LetGo();
            int at = 0;
            while (true)
            {
                // Find the magic.
                while (at < _count && !(_buffer[at] == Frame.Magic1 && (at + 1 >= _count || _buffer[at + 1] == Frame.Magic2)))
                {
                    at++;
                    GarbageBytes++;
                }

                if (_count - at < Frame.HeaderLength)
                {
                    Consume(at);
                    return false;
                }

                int length = NetworkOrder.ReadU16(_buffer, at + 6);
                if (length > _maxPayload)
                {
                    at++; // not a real header: keep looking
                    GarbageBytes++;
                    BadFrames++;
                    continue;
                }

                int total = Frame.HeaderLength + length + Frame.TrailerLength;
                if (_count - at < total)
                {
                    // Either a frame still arriving, or garbage that looked like a header with a
                    // long length. If a whole, valid frame starts further on, it was garbage.
                    int later = NextValid(at + 1);
                    if (later > 0)
                    {
                        GarbageBytes += later - at;
                        BadFrames++;
                        at = later;
                        continue;
                    }

                    Consume(at);
                    if (_count == _buffer.Length)
                    {
                        // Cannot complete: what we hold was not a frame.
                        Consume(1);
                        GarbageBytes++;
                    }

                    return false;
                }

                uint crc = NetworkOrder.ReadU32(_buffer, at + Frame.HeaderLength + length);
                if (Crc32.Compute(_buffer, at + 2, Frame.HeaderLength - 2 + length) != crc)
                {
                    at++;
                    GarbageBytes++;
                    BadFrames++;
                    continue;
                }

                byte version = _buffer[at + 2];
                if (version != Frame.Version)
                {
                    UnknownVersion++;
                    at += total;
                    continue;
                }

                Type = _buffer[at + 3];
                RequestId = NetworkOrder.ReadU16(_buffer, at + 4);
                Consume(at);
                PayloadOffset = Frame.HeaderLength;
                PayloadLength = length;
                _handedOut = total;
                return true;
            }
        }

        // What the frame at the buffer's start still lacks: its header, then what the header says
        // follows (Next leaves the buffer starting at a frame's magic, or empty).
        private int Wanted()
        {
            if (_count < Frame.HeaderLength)
            {
                return Frame.HeaderLength - _count;
            }

            int length = NetworkOrder.ReadU16(_buffer, 6);
            return length > _maxPayload ? 1 : Frame.HeaderLength + length + Frame.TrailerLength - _count;
        }

        // The first position from 'from' where a complete frame with a valid CRC sits, or -1.
        private int NextValid(int from)
        {
            for (int p = from; p + Frame.HeaderLength + Frame.TrailerLength <= _count; p++)
            {
                if (_buffer[p] != Frame.Magic1 || _buffer[p + 1] != Frame.Magic2)
                {
                    continue;
                }

                int length = NetworkOrder.ReadU16(_buffer, p + 6);
                int total = Frame.HeaderLength + length + Frame.TrailerLength;
                if (length <= _maxPayload && p + total <= _count
                    && Crc32.Compute(_buffer, p + 2, Frame.HeaderLength - 2 + length) == NetworkOrder.ReadU32(_buffer, p + Frame.HeaderLength + length))
                {
                    return p;
                }
            }

            return -1;
        }

        /// <summary>Forgets every byte held (a new line took over: the old one's half frame is not its).</summary>
        public void Clear()
        {
            _count = 0;
            _handedOut = 0;
        }

        private void LetGo()
        {
            Consume(_handedOut);
            _handedOut = 0;
        }

        private void Consume(int n)
        {
            if (n <= 0)
            {
                return;
            }

            System.Array.Copy(_buffer, n, _buffer, 0, _count - n);
            _count -= n;
        }
    }
}
