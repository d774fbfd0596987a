using Edge.Dataplane.Net;

namespace Edge.Dataplane.Agent
{
    /// <summary>
    /// Where a board's live capture goes before the session sends it to the host: a fixed ring of
    /// pcap bytes. It knows the pcap layout (file header, then record header + frame), so when the
    /// line is slower than the traffic it drops whole records, counted, and the stream the host
    /// writes stays a valid file.
    /// </summary>
    public sealed class CaptureSink : IByteSink
    {
        public const int RingBytes = 8192;

        private ByteRing _ring; // allocated by the first capture: most boards are never captured
        private bool _fileHeaderWritten;
        private int _frameBytesLeft;
        private bool _skipping;

        public long DroppedRecords;

        public ByteRing Ring
        {
            get { return _ring; }
        }

        public void Reset()
        {
            if (_ring == null)
            {
                _ring = new ByteRing(RingBytes);
            }

            _ring.Clear();
            _fileHeaderWritten = false;
            _frameBytesLeft = 0;
            _skipping = false;
            DroppedRecords = 0;
        }

        public void Write(byte[] buffer, int offset, int length)
        {
            if (!_fileHeaderWritten)
            {
                _ring.Write(buffer, offset, length);
                _fileHeaderWritten = true;
                return;
            }

            if (_frameBytesLeft == 0)
            {
                // A record header: its captured length (bytes 8..11, little-endian) says what follows.
                int captured = buffer[offset + 8] | (buffer[offset + 9] << 8) | (buffer[offset + 10] << 16) | (buffer[offset + 11] << 24);
                _frameBytesLeft = captured;
                _skipping = _ring.Free < length + captured;
                if (_skipping)
                {
                    DroppedRecords++;
                }
                else
                {
                    _ring.Write(buffer, offset, length);
                }

                return;
            }

            if (!_skipping)
            {
                _ring.Write(buffer, offset, length);
            }

            _frameBytesLeft -= length;
            if (_frameBytesLeft < 0)
            {
                _frameBytesLeft = 0;
            }
        }
    }
}
