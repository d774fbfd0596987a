using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Net
{
    /// <summary>
    /// Mirrors frames at one point of the node (a bridge port, or the overlay) into a pcap
    /// stream that Wireshark and tshark open. The stream is any <see cref="IByteSink"/>: a file
    /// on a virtual board, the management connection on a board. Overlay frames are written
    /// with synthesized outer Ethernet/IPv4/UDP headers (the board's UDP socket hides the real
    /// ones), so Wireshark shows the VXLAN as it crossed the wire.
    /// </summary>
    public sealed class PacketTap
    {
        /// <summary>Tap point for the overlay (VXLAN in and out).</summary>
        public const int OverlayPoint = -1;

        private readonly IByteSink _sink;
        private readonly byte[] _header = new byte[Pcap.RecordHeaderLength];
        private bool _started;

        /// <summary>The point being mirrored: <see cref="OverlayPoint"/> or <see cref="BridgePortPoint"/>(n).</summary>
        public readonly int Point;

        public long Frames;

        public PacketTap(int point, IByteSink sink)
        {
            Point = point;
            _sink = sink;
        }

        public static int BridgePortPoint(int port)
        {
            return port;
        }

        /// <summary>Writes one frame if it was seen at the tapped point.</summary>
        public void Capture(int point, byte[] frame, int offset, int length, long nowMs)
        {
            if (point != Point)
            {
                return;
            }

            if (!_started)
            {
                byte[] fileHeader = new byte[Pcap.FileHeaderLength];
                Pcap.EmitFileHeader(fileHeader, 0, Pcap.DefaultSnapLength, Pcap.LinkTypeEthernet);
                _sink.Write(fileHeader, 0, fileHeader.Length);
                _started = true;
            }

            Pcap.EmitRecordHeader(_header, 0, (uint)(nowMs / 1000), (uint)(nowMs % 1000 * 1000), length, length);
            _sink.Write(_header, 0, _header.Length);
            _sink.Write(frame, offset, length);
            Frames++;
        }
    }
}
