using Edge.Dataplane.Net;
using Edge.Dataplane.Platform;

namespace Edge.Dataplane.Proxy
{
    /// <summary>
    /// UDP "connections" between the pod network and the board's own UDP, for NodePort/
    /// LoadBalancer and egress: each (inside address and port, outside address and port)
    /// pair holds a socket on each side while it is in use, and is forgotten after
    /// <see cref="IdleMs"/> without traffic (conntrack's UDP timeout). Fixed number of sessions.
    /// </summary>
    public sealed class UdpSessions
    {
        public const int IdleMs = 30000;

        private readonly IHostSockets _sockets;
        private readonly int[] _outsideHandle;
        private readonly UdpSocket[] _inside;
        private readonly uint[] _outsideAddress;
        private readonly ushort[] _outsidePort;
        private readonly uint[] _insideAddress;
        private readonly ushort[] _insidePort;
        private readonly uint[] _spoofAddress;
        private readonly ushort[] _spoofPort;
        private readonly long[] _lastUsed;
        private readonly bool[] _ownsOutside;
        private readonly bool[] _used;
        private readonly PacketPool _pool;

        public long Datagrams;
        public long Refused;

        /// <param name="pool">Where a buffer to read datagrams into is rented for a turn (the node's packet pool).</param>
        public UdpSessions(IHostSockets sockets, int capacity, PacketPool pool)
        {
            _pool = pool;
            _sockets = sockets;
            _outsideHandle = new int[capacity];
            _inside = new UdpSocket[capacity];
            _outsideAddress = new uint[capacity];
            _outsidePort = new ushort[capacity];
            _insideAddress = new uint[capacity];
            _insidePort = new ushort[capacity];
            _spoofAddress = new uint[capacity];
            _spoofPort = new ushort[capacity];
            _lastUsed = new long[capacity];
            _ownsOutside = new bool[capacity];
            _used = new bool[capacity];
        }

        /// <summary>Sessions in use.</summary>
        public int Active
        {
            get
            {
                int n = 0;
                for (int i = 0; i < _used.Length; i++)
                {
                    n += _used[i] ? 1 : 0;
                }

                return n;
            }
        }

        /// <summary>
        /// The session for an outside client of a NodePort (sharing the NodePort's UDP handle),
        /// created with a fresh inside socket from <paramref name="host"/> toward the endpoint.
        /// -1 when full.
        /// </summary>
        public int ForNodePort(int listenHandle, uint client, ushort clientPort, PodSandbox host, uint endpoint, ushort endpointPort, long now)
        {
            int i = Free(now);
            UdpSocket inside = i < 0 ? null : host.OpenUdp(0);
            if (inside == null)
            {
                Refused++;
                return -1;
            }

            Set(i, listenHandle, false, inside, client, clientPort, endpoint, endpointPort, 0, 0, now);
            return i;
        }

        /// <summary>
        /// The session for a pod's datagram to an outside address (egress): a fresh outside
        /// socket, and replies sent into the pod network from the address the pod called.
        /// -1 when full.
        /// </summary>
        public int ForEgress(uint pod, ushort podPort, uint destination, ushort destinationPort, long now)
        {
            for (int i = 0; i < _used.Length; i++)
            {
                if (_used[i] && _ownsOutside[i] && _insideAddress[i] == pod && _insidePort[i] == podPort
                    && _spoofAddress[i] == destination && _spoofPort[i] == destinationPort)
                {
                    _lastUsed[i] = now;
                    return i;
                }
            }

            int slot = Free(now);
            int handle = slot < 0 ? -1 : _sockets.OpenUdp(0);
            if (handle < 0)
            {
                Refused++;
                return -1;
            }

            Set(slot, handle, true, null, destination, destinationPort, pod, podPort, destination, destinationPort, now);
            return slot;
        }

        /// <summary>Sends a client's datagram into the pod network (NodePort).</summary>
        public void ToInside(int session, byte[] data, int offset, int length)
        {
            _inside[session].SendTo(_insideAddress[session], _insidePort[session], data, offset, length);
            Datagrams++;
        }

        /// <summary>Sends a pod's datagram out of the board (egress).</summary>
        public void ToOutside(int session, byte[] data, int offset, int length)
        {
            _sockets.SendTo(_outsideHandle[session], _outsideAddress[session], _outsidePort[session], data, offset, length);
            Datagrams++;
        }

        /// <summary>Moves replies back: pod replies out to NodePort clients, outside replies in to pods; expires idle sessions.</summary>
        public void Poll(PodSandbox host, long now)
        {
            PacketBuffer datagram = null;
            try
            {
                for (int i = 0; i < _used.Length; i++)
                {
                    if (!_used[i])
                    {
                        continue;
                    }

                    if (datagram == null && (datagram = _pool.Rent()) == null)
                    {
                        return; // no buffer this turn: the datagrams wait in their sockets
                    }

                    Move(i, host, datagram.Data, now);
                    if (now - _lastUsed[i] >= IdleMs)
                    {
                        Close(i);
                    }
                }
            }
            finally
            {
                _pool.Return(datagram);
            }
        }

        private void Move(int i, PodSandbox host, byte[] buffer, long now)
        {
            uint from;
            ushort fromPort;
            int n;
            if (_ownsOutside[i])
            {
                while ((n = _sockets.ReceiveFrom(_outsideHandle[i], buffer, 0, NodeContext.DatagramMax, out from, out fromPort)) >= 0)
                {
                    host.SendUdpFrom(_spoofAddress[i], _spoofPort[i], _insideAddress[i], _insidePort[i], buffer, 0, n);
                    _lastUsed[i] = now;
                }
            }
            else
            {
                while ((n = _inside[i].ReceiveFrom(buffer, 0, NodeContext.DatagramMax, out from, out fromPort)) >= 0)
                {
                    _sockets.SendTo(_outsideHandle[i], _outsideAddress[i], _outsidePort[i], buffer, 0, n);
                    _lastUsed[i] = now;
                }
            }
        }

        /// <summary>Ends every session.</summary>
        public void CloseAll()
        {
            for (int i = 0; i < _used.Length; i++)
            {
                if (_used[i])
                {
                    Close(i);
                }
            }
        }

        /// <summary>Ends every session using a NodePort handle (its service went away).</summary>
        public void CloseListener(int listenHandle)
        {
            for (int i = 0; i < _used.Length; i++)
            {
                if (_used[i] && !_ownsOutside[i] && _outsideHandle[i] == listenHandle)
                {
                    Close(i);
                }
            }
        }

        private void Set(int i, int handle, bool owns, UdpSocket inside, uint outside, ushort outsidePort, uint insideAddress, ushort insidePort, uint spoof, ushort spoofPort, long now)
        {
            _used[i] = true;
            _outsideHandle[i] = handle;
            _ownsOutside[i] = owns;
            _inside[i] = inside;
            _outsideAddress[i] = outside;
            _outsidePort[i] = outsidePort;
            _insideAddress[i] = insideAddress;
            _insidePort[i] = insidePort;
            _spoofAddress[i] = spoof;
            _spoofPort[i] = spoofPort;
            _lastUsed[i] = now;
        }

        private void Close(int i)
        {
            if (_ownsOutside[i])
            {
                _sockets.Close(_outsideHandle[i]);
            }

            if (_inside[i] != null)
            {
                _inside[i].Close();
                _inside[i] = null;
            }

            _used[i] = false;
        }

        /// <summary>The NodePort session of this client, refreshed, or -1 (a new client: choose an endpoint).</summary>
        public int FindNodePort(int listenHandle, uint client, ushort clientPort, long now)
        {
            int i = Find(client, clientPort, listenHandle);
            if (i >= 0)
            {
                _lastUsed[i] = now;
            }

            return i;
        }

        private int Find(uint outside, ushort outsidePort, int handle)
        {
            for (int i = 0; i < _used.Length; i++)
            {
                if (_used[i] && !_ownsOutside[i] && _outsideHandle[i] == handle && _outsideAddress[i] == outside && _outsidePort[i] == outsidePort)
                {
                    return i;
                }
            }

            return -1;
        }

        private int Free(long now)
        {
            int oldest = -1;
            for (int i = 0; i < _used.Length; i++)
            {
                if (!_used[i])
                {
                    return i;
                }

                if (now - _lastUsed[i] >= IdleMs && (oldest < 0 || _lastUsed[i] < _lastUsed[oldest]))
                {
                    oldest = i;
                }
            }

            if (oldest >= 0)
            {
                Close(oldest);
            }

            return oldest;
        }
    }
}
