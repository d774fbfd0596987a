using Edge.Dataplane.Net.Tcp;

namespace Edge.Dataplane.Ingress
{
    /// <summary>
    /// The request head as the backend receives it: the client's request line and fields, less
    /// the hop-by-hop ones (Connection, Keep-Alive, Proxy-Connection: RFC 9110 7.6.1) and any
    /// forwarding fields the client made up, plus what ingress-nginx adds: X-Real-IP,
    /// X-Forwarded-For (the client as the board saw it, not what it claimed), X-Forwarded-Host
    /// (the Host as sent), X-Forwarded-Port and X-Forwarded-Proto (https when the board terminated TLS), and <c>Connection: close</c>
    /// (one request per backend connection: the next request on the client's connection may
    /// route elsewhere) or <c>Connection: upgrade</c> when the client asked to switch protocols.
    /// Host passes through. Written twice with the same code: once to measure (no socket), once
    /// into the backend connection's send buffer when it has room for all of it.
    /// </summary>
    public sealed class ForwardedHead
    {
        // The fields' text in one array, made with the ingress (a board serving none holds none;
        // a static would be made at boot on every board): where each piece starts, and its length.
        private const int Crlf = 0;
        private const int CrlfLength = 2;
        private const int RealIp = 2;
        private const int RealIpLength = 11;
        private const int ForwardedFor = 13;
        private const int ForwardedForLength = 17;
        private const int ForwardedHost = 30;
        private const int ForwardedHostLength = 18;
        private const int ForwardedPort = 48;
        private const int ForwardedPortLength = 18;
        private const int ForwardedProtoHttp = 66;
        private const int ForwardedProtoHttpLength = 23;
        private const int SecureS = 89;
        private const int ConnectionClose = 92;
        private const int ConnectionCloseLength = 19;
        private const int ConnectionUpgrade = 111;
        private const int ConnectionUpgradeLength = 21;
        private readonly byte[] _text = Ascii("\r\nX-Real-IP: X-Forwarded-For: X-Forwarded-Host: X-Forwarded-Port: X-Forwarded-Proto: https\r\nConnection: close\r\nConnection: upgrade\r\n");

        // Digits of an address or port, written back to front.
        private readonly byte[] _number = new byte[16];
        private TcpSocket _to;
        private int _written;

        /// <summary>The bytes the head (and the body bytes that came with it) takes: what the backend socket must have room for.</summary>
        public int Measure(byte[] head, int count, RequestHead request, uint client, ushort port, bool secure)
        {
            _to = null;
            return Write(head, count, request, client, port, secure);
        }

        /// <summary>Queues the head and the body bytes after it on <paramref name="backend"/>; the caller checked its room with <see cref="Measure"/>.</summary>
        public int Send(TcpSocket backend, byte[] head, int count, RequestHead request, uint client, ushort port, bool secure)
        {
            _to = backend;
            int n = Write(head, count, request, client, port, secure);
            _to = null;
            return n;
        }

        private int Write(byte[] head, int count, RequestHead request, uint client, ushort port, bool secure)
        {
            _written = 0;
            Bytes(head, request.MethodStart, request.FieldsStart - request.MethodStart);
            for (int line = request.FieldsStart; line < request.Length;)
            {
                int next = RequestHead.LineEnd(head, line, request.Length) + 1;
                int colon = RequestHead.IndexOf(head, line, next, (byte)':');
                if (colon < 0)
                {
                    break; // the empty line
                }

                if (!HopByHop(head, line, colon))
                {
                    Bytes(head, line, next - line);
                }

                line = next;
            }

            Piece(RealIp, RealIpLength);
            Address(client);
            Piece(ForwardedFor, ForwardedForLength);
            Address(client);
            if (request.HostLength > 0)
            {
                Piece(ForwardedHost, ForwardedHostLength);
                Bytes(head, request.HostStart, request.HostLength);
                Piece(Crlf, CrlfLength);
            }

            Piece(ForwardedPort, ForwardedPortLength);
            Decimal(port);
            Piece(Crlf, CrlfLength);
            Piece(ForwardedProtoHttp, ForwardedProtoHttpLength);
            if (secure)
            {
                Piece(SecureS, 1); // https: the client came through the board's TLS
            }

            Piece(Crlf, CrlfLength);
            if (request.Upgrade)
            {
                Piece(ConnectionUpgrade, ConnectionUpgradeLength);
            }
            else
            {
                Piece(ConnectionClose, ConnectionCloseLength);
            }

            Piece(Crlf, CrlfLength);
            Bytes(head, request.Length, count - request.Length);
            return _written;
        }

        // Fields that end at this hop, or that only the board may set. An upgrade keeps its
        // Upgrade field; Connection is written anew either way.
        private static bool HopByHop(byte[] head, int line, int colon)
        {
            return RequestHead.NameIs(head, line, colon, "connection") || RequestHead.NameIs(head, line, colon, "keep-alive")
                || RequestHead.NameIs(head, line, colon, "proxy-connection") || RequestHead.NameIs(head, line, colon, "x-real-ip")
                || RequestHead.NameIs(head, line, colon, "x-forwarded-for") || RequestHead.NameIs(head, line, colon, "x-forwarded-host")
                || RequestHead.NameIs(head, line, colon, "x-forwarded-port") || RequestHead.NameIs(head, line, colon, "x-forwarded-proto");
        }

        private void Address(uint address)
        {
            for (int shift = 24; shift >= 0; shift -= 8)
            {
                Decimal((address >> shift) & 0xFF);
                if (shift > 0)
                {
                    _number[0] = (byte)'.';
                    Bytes(_number, 0, 1);
                }
            }

            Piece(Crlf, CrlfLength);
        }

        private void Decimal(uint value)
        {
            int at = _number.Length;
            do
            {
                _number[--at] = (byte)('0' + value % 10);
                value /= 10;
            }
            while (value != 0);
            Bytes(_number, at, _number.Length - at);
        }

        private void Piece(int start, int length)
        {
            Bytes(_text, start, length);
        }

        private void Bytes(byte[] data, int offset, int length)
        {
            if (length <= 0)
            {
                return;
            }

            if (_to != null)
            {
                _to.Send(data, offset, length);
            }

            _written += length;
        }

        private static byte[] Ascii(string text)
        {
            byte[] bytes = new byte[text.Length];
            for (int i = 0; i < text.Length; i++)
            {
                bytes[i] = (byte)text[i];
            }

            return bytes;
        }
    }
}
