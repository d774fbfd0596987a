using Edge.Dataplane.Net;
using Edge.Dataplane.Net.Tcp;

namespace Edge.Dataplane.Workloads
{
    /// <summary>
    /// The `echo` image: RFC 862 echo on port 7, TCP and UDP. Every byte comes back; a TCP
    /// client that closes gets its connection closed after the last byte.
    /// </summary>
    public sealed class EchoServer : IWorkload
    {
        public const ushort Port = 7;
        private const int MaxConnections = 4;

        private readonly TcpSocket _listener;
        private readonly UdpSocket _udp;
        private readonly TcpSocket[] _connections = new TcpSocket[MaxConnections];
        private readonly int[] _pending = new int[MaxConnections];
        private readonly byte[][] _buffers = new byte[MaxConnections][];
        private readonly byte[] _datagram = new byte[1472];

        public long BytesEchoed;

        public EchoServer(PodSandbox pod)
            : this(pod, Port)
        {
        }

        /// <summary>Echo on <paramref name="port"/> (its -port), TCP and UDP.</summary>
        public EchoServer(PodSandbox pod, ushort port)
        {
            _listener = pod.Listen(port, MaxConnections);
            _udp = pod.OpenUdp(port);
        }

        public string Image
        {
            get { return "echo"; }
        }

        public void Poll(long now)
        {
            uint from;
            ushort fromPort;
            int length;
            while (_udp != null && (length = _udp.ReceiveFrom(_datagram, 0, _datagram.Length, out from, out fromPort)) >= 0)
            {
                _udp.SendTo(from, fromPort, _datagram, 0, length);
                BytesEchoed += length;
            }

            if (_listener == null)
            {
                return;
            }

            for (int i = 0; i < _connections.Length; i++)
            {
                if (_connections[i] == null)
                {
                    _connections[i] = _listener.Accept();
                    _pending[i] = 0;
                    if (_connections[i] != null && _buffers[i] == null)
                    {
                        _buffers[i] = new byte[1024];
                    }
                }

                TcpSocket s = _connections[i];
                if (s == null)
                {
                    continue;
                }

                // Echo what we hold before reading more, so a slow reader slows the writer (flow control end to end).
                if (_pending[i] > 0)
                {
                    int sent = s.Send(_buffers[i], 0, _pending[i]);
                    System.Array.Copy(_buffers[i], sent, _buffers[i], 0, _pending[i] - sent);
                    _pending[i] -= sent;
                    BytesEchoed += sent;
                }

                if (_pending[i] == 0)
                {
                    _pending[i] = s.Receive(_buffers[i], 0, _buffers[i].Length);
                }

                if (_pending[i] == 0 && s.EndOfStream && s.State == TcpState.CloseWait)
                {
                    s.Close();
                }

                if (s.IsClosed)
                {
                    _connections[i] = null;
                }
            }
        }

        public int Exit
        {
            get { return -1; }
        }

        public void Stop()
        {
            for (int i = 0; i < _connections.Length; i++)
            {
                if (_connections[i] != null)
                {
                    _connections[i].Abort();
                    _connections[i] = null;
                }
            }

            if (_listener != null)
            {
                _listener.Close();
            }

            if (_udp != null)
            {
                _udp.Close();
            }
        }
    }
}
