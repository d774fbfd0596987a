#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using System;
using Edge.Dataplane.Platform;

namespace Edge.Dataplane.NfTests.Sim
{
    /// <summary>
    /// The Ethernet segment between simulated boards, as each board's UDP socket sees it:
    /// datagrams sent to an (address, port) that a <see cref="LanPort"/> holds wait in that port's
    /// queue until the next <see cref="Deliver"/>, in the order sent. A fixed number of datagrams
    /// can be in flight; more are lost and counted, as a switch's full buffer would lose them.
    /// With <see cref="LoseEvery"/> set, every n-th datagram sent is lost too: loss that the
    /// same run repeats exactly, on any runtime.
    /// </summary>
    public sealed class Lan
    {
        private readonly LanPort[] _ports;
        private int _portCount;
        private long _sent;

        public long Lost;

        /// <summary>0: no loss; n: the n-th, 2n-th, ... datagram sent on the LAN is lost.</summary>
        public int LoseEvery;

        public Lan(int maxPorts)
        {
            _ports = new LanPort[maxPorts];
        }

        /// <summary>Whether an open port holds address:port.</summary>
        public bool IsOpen(uint address, ushort port)
        {
            for (int i = 0; i < _portCount; i++)
            {
                if (_ports[i].LocalAddress == address && _ports[i].LocalPort == port && !_ports[i].Closed)
                {
                    return true;
                }
            }

            return false;
        }

        public LanPort Open(uint address, ushort port)
        {
            if (_portCount == _ports.Length)
            {
                throw new InvalidOperationException("the LAN has room for " + _ports.Length.ToString() + " ports");
            }

            var lanPort = new LanPort(this, address, port, 64);
            _ports[_portCount++] = lanPort;
            return lanPort;
        }

        internal void Send(LanPort from, uint address, ushort port, byte[] buffer, int offset, int length)
        {
            _sent++;
            if (LoseEvery > 0 && _sent % LoseEvery == 0)
            {
                Lost++;
                return;
            }

            for (int i = 0; i < _portCount; i++)
            {
                if (_ports[i].LocalAddress == address && _ports[i].LocalPort == port && !_ports[i].Closed)
                {
                    if (!_ports[i].Enqueue(from.LocalAddress, from.LocalPort, buffer, offset, length))
                    {
                        Lost++;
                    }

                    return;
                }
            }

            Lost++;
        }

        /// <summary>Makes every datagram sent so far readable at its destination.</summary>
        public void Deliver()
        {
            for (int i = 0; i < _portCount; i++)
            {
                _ports[i].Arrive();
            }
        }
    }

    /// <summary>A board's UDP socket on the <see cref="Lan"/>: a ring of datagrams, sent ones readable after the next delivery.</summary>
    public sealed class LanPort : IDatagramPort
    {
        private readonly Lan _lan;
        private readonly uint _address;
        private readonly ushort _port;
        private readonly byte[][] _data;
        private readonly int[] _length;
        private readonly uint[] _from;
        private readonly ushort[] _fromPort;
        private int _head;
        private int _count;
        private int _readable;

        public long Sent;
        public long Received;

        /// <summary>Closed ports take nothing more (what was sent to them is lost); the address and port are free again.</summary>
        public bool Closed;

        internal LanPort(Lan lan, uint address, ushort port, int capacity)
        {
            _lan = lan;
            _address = address;
            _port = port;
            _data = new byte[capacity][];
            _length = new int[capacity];
            _from = new uint[capacity];
            _fromPort = new ushort[capacity];
        }

        public uint LocalAddress
        {
            get { return _address; }
        }

        public ushort LocalPort
        {
            get { return _port; }
        }

        public bool Send(uint address, ushort port, byte[] buffer, int offset, int length)
        {
            Sent++;
            _lan.Send(this, address, port, buffer, offset, length);
            return true;
        }

        public bool Readable
        {
            get { return _readable > 0; }
        }

        public int Receive(byte[] buffer, int offset, int capacity, out uint address, out ushort port)
        {
            address = 0;
            port = 0;
            if (_readable == 0)
            {
                return -1;
            }

            int n = _length[_head] < capacity ? _length[_head] : capacity;
            Array.Copy(_data[_head], 0, buffer, offset, n);
            address = _from[_head];
            port = _fromPort[_head];
            _head = (_head + 1) % _data.Length;
            _count--;
            _readable--;
            Received++;
            return n;
        }

        internal bool Enqueue(uint from, ushort fromPort, byte[] buffer, int offset, int length)
        {
            if (_count == _data.Length)
            {
                return false;
            }

            int tail = (_head + _count) % _data.Length;
            if (_data[tail] == null || _data[tail].Length < length)
            {
                _data[tail] = new byte[length < 1600 ? 1600 : length];
            }

            Array.Copy(buffer, offset, _data[tail], 0, length);
            _length[tail] = length;
            _from[tail] = from;
            _fromPort[tail] = fromPort;
            _count++;
            return true;
        }

        internal void Arrive()
        {
            _readable = _count;
        }
    }
}
