using Edge.Dataplane.Net;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Dns
{
    /// <summary>
    /// Where a node answers DNS: UDP 53 in the pod network on the cluster DNS address (every
    /// node answers it itself: node-local DNS) and on its gateway address, and UDP 53 on the
    /// board's own address for laptops on the lab LAN, where TCP 53 serves too (RFC 7766:
    /// two-byte length prefix, several queries per connection, idle connections closed), so
    /// a client told TC can retry. Names outside the zone go to the forwarder when an
    /// upstream is configured.
    /// </summary>
    public sealed class DnsResponder
    {
        private const int PathPodNetwork = 0;
        private const int PathBoard = 1;

        private readonly PodSandbox _host;
        private readonly IHostSockets _sockets;
        private readonly UdpSocket _podSocket;
        private readonly int _boardSocket = -1;
        private readonly DnsForwarder _forwarder;
        private const int TcpIdleMs = 10000;
        private const int TcpShedPerTurn = 8;

        // Whether names outside the cluster can be forwarded (an upstream is set and its socket open).
        private readonly bool _canForward;
        private const int TcpQueryMax = 512; // a question and an OPT record; larger is not a query we answer

        // A query is read into a packet buffer rented from the node's pool for the turn and
        // answered over itself (a query is parsed before its answer is written), with its header
        // kept aside so a query handed to the forwarder leaves as it came: no buffer of its own
        // on a small board.
        private readonly byte[] _queryHeader = new byte[DnsHeader.Length];
        private readonly int _tcpListener = -1;
        private readonly int[] _tcp;
        private readonly byte[][] _tcpIn;
        private readonly int[] _tcpInCount;
        private readonly long[] _tcpLastUsed;
        private byte[] _tcpOut;

        public readonly DnsServer Server;

        /// <summary>Where the answers are recorded as flow events, or null.</summary>
        public FlowLog Flows;

        public DnsResponder(DnsServer server, PodSandbox host, IHostSockets sockets, DnsForwarder forwarder)
        {
            Server = server;
            _host = host;
            _sockets = sockets;
            _forwarder = forwarder;
            _podSocket = host.OpenUdp(53, 512); // queries are small and answered every turn of the loop
            int tcpClients = host.Node.Config.DnsTcpClients;
            _tcp = new int[tcpClients];
            _tcpIn = new byte[tcpClients][];
            _tcpInCount = new int[tcpClients];
            _tcpLastUsed = new long[tcpClients];
            for (int i = 0; i < tcpClients; i++)
            {
                _tcp[i] = -1;
            }

            if (sockets != null)
            {
                _boardSocket = sockets.OpenUdp(53);
                _tcpListener = sockets.ListenTcp(53);
            }

            _canForward = forwarder != null && forwarder.Ready;
            server.CanForward = _canForward;
        }

        /// <summary>False when UDP 53 could not be opened on the board's address (another DNS server there).</summary>
        public bool ListeningOnBoard
        {
            get { return _boardSocket >= 0; }
        }

        /// <summary>Closes the board's port 53 sockets and the forwarder's.</summary>
        public void Close()
        {
            if (_sockets == null)
            {
                return;
            }

            for (int i = 0; i < _tcp.Length; i++)
            {
                if (_tcp[i] >= 0)
                {
                    CloseTcp(i);
                }
            }

            if (_boardSocket >= 0)
            {
                _sockets.Close(_boardSocket);
            }

            if (_tcpListener >= 0)
            {
                _sockets.Close(_tcpListener);
            }

            if (_forwarder != null)
            {
                _forwarder.Close();
            }
        }

        /// <summary>Answers what waits on the responder's sockets; returns how many datagrams it handled (0: idle).</summary>
        public int Poll(long now)
        {
            // A buffer is rented only when a datagram may be waiting (the board's own socket and the
            // forwarder's are asked by reading; the pod network's socket says so).
            bool mayHaveWork = _boardSocket >= 0 || _forwarder != null || (_podSocket != null && _podSocket.HasData);
            PacketBuffer datagram = mayHaveWork ? _host.Node.Pool.Rent() : null;
            int handled = 0;
            if (datagram != null) // else the queries wait in their sockets for the next turn
            {
                try
                {
                    handled = PollDatagrams(datagram.Data, now);
                }
                finally
                {
                    _host.Node.Pool.Return(datagram);
                }
            }

            if (_tcpListener >= 0)
            {
                PollTcp(now);
            }

            return handled;
        }

        private int PollDatagrams(byte[] buffer, long now)
        {
            uint client;
            ushort port;
            uint destination;
            int n;
            int handled = 0;
            while (_podSocket != null && (n = _podSocket.ReceiveFrom(buffer, 0, NodeContext.DatagramMax, out client, out port, out destination)) >= 0)
            {
                Handle(buffer, n, client, port, destination, PathPodNetwork, now);
                handled++;
            }

            while (_boardSocket >= 0 && (n = _sockets.ReceiveFrom(_boardSocket, buffer, 0, NodeContext.DatagramMax, out client, out port)) >= 0)
            {
                Handle(buffer, n, client, port, 0, PathBoard, now);
                handled++;
            }

            if (_forwarder == null)
            {
                return handled;
            }

            int path;
            ushort id;
            while ((n = _forwarder.Receive(buffer, 0, NodeContext.DatagramMax, now, out client, out port, out destination, out path, out id)) >= 0)
            {
                if (n == 0)
                {
                    n = ServFail(buffer, id);
                }

                Send(buffer, n, client, port, destination, path);
                handled++;
            }

            return handled;
        }

        private void PollTcp(long now)
        {
            uint client;
            ushort port;
            for (int i = 0; i < _tcp.Length; i++)
            {
                if (_tcp[i] < 0)
                {
                    _tcp[i] = _sockets.Accept(_tcpListener, out client, out port);
                    if (_tcp[i] >= 0)
                    {
                        if (_tcpIn[i] == null)
                        {
                            _tcpIn[i] = new byte[2 + TcpQueryMax];
                        }

                        _tcpInCount[i] = 0;
                        _tcpLastUsed[i] = now;
                    }

                    continue;
                }

                int n = _sockets.Receive(_tcp[i], _tcpIn[i], _tcpInCount[i], _tcpIn[i].Length - _tcpInCount[i]);
                if (n < 0 || now - _tcpLastUsed[i] >= TcpIdleMs)
                {
                    CloseTcp(i);
                    continue;
                }

                if (n > 0)
                {
                    _tcpInCount[i] += n;
                    _tcpLastUsed[i] = now;
                }

                while (_tcpInCount[i] >= 2)
                {
                    int length = NetworkOrder.ReadU16(_tcpIn[i], 0);
                    if (length > TcpQueryMax)
                    {
                        CloseTcp(i); // larger than any query we take: not worth buffering
                        break;
                    }

                    if (_tcpInCount[i] < 2 + length)
                    {
                        break;
                    }

                    AnswerTcp(i, length);
                    if (_tcp[i] < 0)
                    {
                        break;
                    }

                    System.Array.Copy(_tcpIn[i], 2 + length, _tcpIn[i], 0, _tcpInCount[i] - 2 - length);
                    _tcpInCount[i] -= 2 + length;
                }
            }

            // With every slot taken, clients beyond them are shed at once (accepted, closed and
            // counted) instead of waiting out their connect in the platform's backlog; a
            // resolver then asks again or over UDP (RFC 7766 §6.2 lets a server under
            // pressure close connections). A slot freed this turn takes the next client on the next.
            bool full = true;
            for (int i = 0; i < _tcp.Length; i++)
            {
                full &= _tcp[i] >= 0;
            }

            for (int shed = 0; full && shed < TcpShedPerTurn; shed++)
            {
                int extra = _sockets.Accept(_tcpListener, out client, out port);
                if (extra < 0)
                {
                    break;
                }

                _sockets.Close(extra);
                _host.Node.Drops.Count(DropReason.SocketLimit);
            }
        }

        private void AnswerTcp(int i, int length)
        {
            if (_tcpOut == null)
            {
                _tcpOut = new byte[2 + _host.Node.Config.DnsTcpAnswerBytes];
            }

            Server.CanForward = false; // TCP is on the board's own address: the LAN's, not a pod's (see Handle)
            int n = Server.Answer(_tcpIn[i], 2, length, _tcpOut, 2, _tcpOut.Length - 2, true);

            if (n < 0)
            {
                CloseTcp(i);
                return;
            }

            NetworkOrder.WriteU16(_tcpOut, 0, (ushort)n);
            int sent = 0;
            for (int tries = 0; sent < n + 2 && tries < 64; tries++)
            {
                int m = _sockets.Send(_tcp[i], _tcpOut, sent, n + 2 - sent);
                if (m < 0)
                {
                    CloseTcp(i);
                    return;
                }

                sent += m;
            }
        }

        private void CloseTcp(int i)
        {
            _sockets.Close(_tcp[i]);
            _tcp[i] = -1;
        }

        private void Handle(byte[] buffer, int length, uint client, ushort port, uint destination, int path, long now)
        {
            System.Array.Copy(buffer, 0, _queryHeader, 0, DnsHeader.Length);
            // Names outside the cluster are looked up upstream for pods only: a client on the lab
            // LAN asking the board's own address gets REFUSED for them, so a board is never an
            // open resolver (nor a loop for its upstream's own queries).
            Server.CanForward = _canForward && path != PathBoard;
            int n = Server.Answer(buffer, 0, length, buffer, 0, NodeContext.DatagramMax, false);
            if (n == 0)
            {
                System.Array.Copy(_queryHeader, 0, buffer, 0, DnsHeader.Length); // as the client sent it
                if (_forwarder != null && _forwarder.Forward(buffer, 0, length, client, port, destination, path, now))
                {
                    return;
                }

                n = ServFail(buffer, NetworkOrder.ReadU16(buffer, 0));
            }

            if (n > 0)
            {
                Send(buffer, n, client, port, destination, path);
            }
        }

        private void Send(byte[] response, int length, uint client, ushort port, uint from, int path)
        {
            if (Flows != null)
            {
                DnsFlowRecord.Write(Flows, response, length, client, port, path == PathBoard ? _host.Node.Config.Address : from);
            }

            if (path == PathBoard)
            {
                _sockets.SendTo(_boardSocket, client, port, response, 0, length);
            }
            else
            {
                // Answer from the address the client asked (the DNS service IP, or the gateway).
                _host.SendUdpFrom(from, 53, client, port, response, 0, length);
            }
        }

        // A bare SERVFAIL for the ID (the question is not kept for forwarded queries).
        private static int ServFail(byte[] response, ushort id)
        {
            for (int i = 0; i < DnsHeader.Length; i++)
            {
                response[i] = 0;
            }

            NetworkOrder.WriteU16(response, DnsHeader.IdField, id);
            NetworkOrder.WriteU16(response, DnsHeader.FlagsField, (ushort)(DnsHeader.QrFlag | DnsHeader.RdFlag | DnsHeader.RaFlag | DnsRcode.ServFail));
            return DnsHeader.Length;
        }
    }
}
