#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using System;
using Edge.Dataplane.Net;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.NfTests.Sim
{
    /// <summary>
    /// What a <see cref="PacketTap"/> wrote (a pcap stream), kept in memory and read back
    /// frame by frame with the wire layer's pcap codec: a test's tcpdump on a bridge port or
    /// the overlay.
    /// </summary>
    public sealed class Capture : IByteSink
    {
        private byte[] _bytes = new byte[2048];
        private int _length;

        /// <summary>Starts capturing frames entering the bridge from a port (0 is the gateway's); a bridge has one tap, so this replaces any other.</summary>
        public static Capture OnBridgePort(Bridge bridge, int port)
        {
            var capture = new Capture();
            bridge.Tap = new PacketTap(PacketTap.BridgePortPoint(port), capture);
            return capture;
        }

        public void Write(byte[] buffer, int offset, int length)
        {
            if (_length + length > _bytes.Length)
            {
                byte[] larger = new byte[(_length + length) * 2];
                Array.Copy(_bytes, larger, _length);
                _bytes = larger;
            }

            Array.Copy(buffer, offset, _bytes, _length, length);
            _length += length;
        }

        /// <summary>The frames captured, each a copy; none before the first frame.</summary>
        public byte[][] Frames()
        {
            if (_length == 0)
            {
                return new byte[0][];
            }

            var format = new PcapFormat();
            var record = new PcapRecord();
            uint linkType;
            if (Pcap.ParseFileHeader(_bytes, 0, _length, format, out linkType) != WireError.None || linkType != Pcap.LinkTypeEthernet)
            {
                throw new InvalidOperationException("the tap wrote no pcap file header");
            }

            int count = 0;
            for (int at = Pcap.FileHeaderLength; at < _length; at += Pcap.RecordHeaderLength + record.CapturedLength)
            {
                if (Pcap.ParseRecordHeader(_bytes, at, _length - at, format, record) != WireError.None)
                {
                    throw new InvalidOperationException("a broken pcap record at " + at.ToString());
                }

                count++;
            }

            byte[][] frames = new byte[count][];
            int i = 0;
            for (int at = Pcap.FileHeaderLength; at < _length; at += Pcap.RecordHeaderLength + record.CapturedLength)
            {
                Pcap.ParseRecordHeader(_bytes, at, _length - at, format, record);
                frames[i] = new byte[record.CapturedLength];
                Array.Copy(_bytes, at + Pcap.RecordHeaderLength, frames[i], 0, record.CapturedLength);
                i++;
            }

            return frames;
        }
    }
}
