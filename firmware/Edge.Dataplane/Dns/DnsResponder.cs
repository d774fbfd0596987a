using Edge.Dataplane.Net;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Dns
{
    /// <summary>
    /// Where a node answers DNS: UDP 53 in the pod network on the cluster DNS address (every
    /// node answers it itself: node-local DNS) and on its gateway address, and UDP 53 on the
    /// board's own address for laptops on the lab LAN. Names outside the zone go to the
    /// forwarder when an upstream is configured.
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
        private readonly byte[] _query = new byte[1500];
        private readonly byte[] _response = new byte[DnsServer.EdnsSize];

        public readonly DnsServer Server;

        public DnsResponder(DnsServer server, PodSandbox host, IHostSockets sockets, DnsForwarder forwarder)
        {
            Server = server;
            _host = host;
            _sockets = sockets;
            _forwarder = forwarder;
            _podSocket = host.OpenUdp(53);
            if (sockets != null)
            {
                _boardSocket = sockets.OpenUdp(53);
            }

            server.CanForward = forwarder != null && forwarder.Ready;
        }

        /// <summary>False when UDP 53 could not be opened on the board's address (another DNS server there).</summary>
        public bool ListeningOnBoard
        {
            get { return _boardSocket >= 0; }
        }

        public void Poll(long now)
        {
            uint client;
            ushort port;
            uint destination;
            int n;
            while (_podSocket != null && (n = _podSocket.ReceiveFrom(_query, 0, _query.Length, out client, out port, out destination)) >= 0)
            {
                Handle(n, client, port, destination, PathPodNetwork, now);
            }

            while (_boardSocket >= 0 && (n = _sockets.ReceiveFrom(_boardSocket, _query, 0, _query.Length, out client, out port)) >= 0)
            {
                Handle(n, client, port, 0, PathBoard, now);
            }

            if (_forwarder == null)
            {
                return;
            }

            int path;
            ushort id;
            while ((n = _forwarder.Receive(_response, 0, _response.Length, now, out client, out port, out destination, out path, out id)) >= 0)
            {
                if (n == 0)
                {
                    n = ServFail(id);
                }

                Send(n, client, port, destination, path);
            }
        }

        private void Handle(int length, uint client, ushort port, uint destination, int path, long now)
        {
            int n = Server.Answer(_query, 0, length, _response, 0, _response.Length, false);
            if (n == 0)
            {
                if (_forwarder != null && _forwarder.Forward(_query, 0, length, client, port, destination, path, now))
                {
                    return;
                }

                n = ServFail(NetworkOrder.ReadU16(_query, 0));
            }

            if (n > 0)
            {
                Send(n, client, port, destination, path);
            }
        }

        private void Send(int length, uint client, ushort port, uint from, int path)
        {
            if (path == PathBoard)
            {
                _sockets.SendTo(_boardSocket, client, port, _response, 0, length);
            }
            else
            {
                // Answer from the address the client asked (the DNS service IP, or the gateway).
                _host.SendUdpFrom(from, 53, client, port, _response, 0, length);
            }
        }

        // A bare SERVFAIL for the ID (the question is not kept for forwarded queries).
        private int ServFail(ushort id)
        {
            for (int i = 0; i < DnsHeader.Length; i++)
            {
                _response[i] = 0;
            }

            NetworkOrder.WriteU16(_response, DnsHeader.IdField, id);
            NetworkOrder.WriteU16(_response, DnsHeader.FlagsField, (ushort)(DnsHeader.QrFlag | DnsHeader.RdFlag | DnsHeader.RaFlag | DnsRcode.ServFail));
            return DnsHeader.Length;
        }
    }
}
