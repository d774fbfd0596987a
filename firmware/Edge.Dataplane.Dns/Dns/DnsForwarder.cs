using Edge.Dataplane.Platform;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Dns
{
    /// <summary>
    /// Sends queries for names outside the cluster to the node's upstream resolver from the
    /// board's own UDP, with a fresh random ID each (so answers cannot be spoofed by guessing
    /// the client's), and hands answers back to whoever asked, with the client's ID restored.
    /// Unanswered queries get SERVFAIL after <see cref="TimeoutMs"/>. Fixed table of pending
    /// queries; when it is full, new ones get SERVFAIL at once.
    /// </summary>
    public sealed class DnsForwarder
    {
        public const int TimeoutMs = 2000;

        private readonly IHostSockets _sockets;
        private readonly IRandomSource _random;
        private readonly uint _upstream;
        private readonly int _socket;
        private readonly ushort[] _upstreamId;
        private readonly ushort[] _clientId;
        private readonly uint[] _client;
        private readonly ushort[] _clientPort;
        private readonly uint[] _answerFrom;
        private readonly int[] _path;
        private readonly long[] _sentAt;
        private readonly bool[] _used;

        public long Sent;
        public long Answered;
        public long TimedOut;
        public long Dropped;

        public DnsForwarder(IHostSockets sockets, IRandomSource random, uint upstream, int pending)
        {
            _sockets = sockets;
            _random = random;
            _upstream = upstream;
            _socket = sockets.OpenUdp(0);
            _upstreamId = new ushort[pending];
            _clientId = new ushort[pending];
            _client = new uint[pending];
            _clientPort = new ushort[pending];
            _answerFrom = new uint[pending];
            _path = new int[pending];
            _sentAt = new long[pending];
            _used = new bool[pending];
        }

        public void Close()
        {
            if (_socket >= 0)
            {
                _sockets.Close(_socket);
            }
        }

        public bool Ready
        {
            get { return _socket >= 0 && _upstream != 0; }
        }

        /// <summary>Forwards the query; false when it cannot (table full, no socket): answer SERVFAIL.</summary>
        public bool Forward(byte[] query, int offset, int length, uint client, ushort clientPort, uint answerFrom, int path, long now)
        {
            if (!Ready || client == _upstream)
            {
                return false; // never forward the upstream's own queries back to it: no loops
            }

            int slot = -1;
            for (int i = 0; i < _used.Length; i++)
            {
                if (!_used[i])
                {
                    slot = i;
                    break;
                }
            }

            if (slot < 0)
            {
                Dropped++;
                return false;
            }

            ushort id = (ushort)_random.NextUInt32();
            _used[slot] = true;
            _upstreamId[slot] = id;
            _clientId[slot] = NetworkOrder.ReadU16(query, offset);
            _client[slot] = client;
            _clientPort[slot] = clientPort;
            _answerFrom[slot] = answerFrom;
            _path[slot] = path;
            _sentAt[slot] = now;
            NetworkOrder.WriteU16(query, offset, id);
            bool sent = _sockets.SendTo(_socket, _upstream, 53, query, offset, length);
            NetworkOrder.WriteU16(query, offset, _clientId[slot]);
            Sent++;
            return sent;
        }

        /// <summary>
        /// The next upstream answer (ID restored) in buffer, with who asked and by which path;
        /// -1 when none waits. Expired queries come back as length 0 (answer them SERVFAIL).
        /// </summary>
        public int Receive(byte[] buffer, int offset, int capacity, long now, out uint client, out ushort clientPort, out uint answerFrom, out int path, out ushort clientId)
        {
            client = 0;
            clientPort = 0;
            answerFrom = 0;
            path = 0;
            clientId = 0;
            uint from;
            ushort fromPort;
            int n;
            while ((n = _sockets.ReceiveFrom(_socket, buffer, offset, capacity, out from, out fromPort)) >= 0)
            {
                if (from != _upstream || fromPort != 53 || n < DnsHeader.Length)
                {
                    Dropped++; // not our upstream: ignore, as a resolver must
                    continue;
                }

                ushort id = NetworkOrder.ReadU16(buffer, offset);
                for (int i = 0; i < _used.Length; i++)
                {
                    if (_used[i] && _upstreamId[i] == id)
                    {
                        _used[i] = false;
                        NetworkOrder.WriteU16(buffer, offset, _clientId[i]);
                        client = _client[i];
                        clientPort = _clientPort[i];
                        answerFrom = _answerFrom[i];
                        path = _path[i];
                        clientId = _clientId[i];
                        Answered++;
                        return n;
                    }
                }

                Dropped++; // late or unknown ID
            }

            for (int i = 0; i < _used.Length; i++)
            {
                if (_used[i] && now - _sentAt[i] >= TimeoutMs)
                {
                    _used[i] = false;
                    client = _client[i];
                    clientPort = _clientPort[i];
                    answerFrom = _answerFrom[i];
                    path = _path[i];
                    clientId = _clientId[i];
                    TimedOut++;
                    return 0;
                }
            }

            return -1;
        }
    }
}
