using Edge.Dataplane.Net.Tcp;

namespace Edge.Dataplane.Workloads
{
    /// <summary>
    /// One accepted HTTP/1.1 connection of a built-in server: waits for the request head in the
    /// socket's own receive buffer (up to <see cref="MaximumHead"/> bytes, or the buffer's size on
    /// a small board; no copy of its own, which was 2 KiB a connection), hands it to the server
    /// for a response, writes the response as the send buffer allows, then closes (Connection: close)
    /// and lingers: what the client still sends (a body nobody asked for, the rest of a head too
    /// big) is read and thrown away until it closes too, for at most <see cref="LingerMs"/>, then
    /// the connection is reset, as Go's net/http closes (and as RFC 1122 4.2.2.13 has a TCP that
    /// closes with data unread reset). Without it a client stuck on a shut window would wait for
    /// its own timeout.
    /// </summary>
    public sealed class HttpConnection
    {
        public const int MaximumHead = 2048;

        /// <summary>How long a closed connection reads and discards what the client still sends (Go's rstAvoidanceDelay).</summary>
        public const int LingerMs = 500;

        /// <summary>How long a request's announced body is waited for before the head is answered anyway (a client that announces more than it sends holds no slot for long).</summary>
        public const int BodyWaitMs = 1000;

        private byte[] _response;
        private int _scanned;
        private int _written;
        private long _closedAt = -1;

        public readonly TcpSocket Socket;
        public readonly long OpenedAt;
        private readonly Net.PodLog _log;

        public HttpConnection(TcpSocket socket, long now, Net.PodLog log)
        {
            Socket = socket;
            OpenedAt = now;
            _log = log;
        }

        // Where the blank line ending the head starts in what the socket holds, or -1. Bytes
        // already looked at are not looked at again when the head arrives in pieces.
        private int HeadEnd(int available)
        {
            for (int i = _scanned; i + 3 < available; i++)
            {
                if (Socket.Peek(i) == '\r' && Socket.Peek(i + 1) == '\n' && Socket.Peek(i + 2) == '\r' && Socket.Peek(i + 3) == '\n')
                {
                    return i;
                }
            }

            _scanned = available > 3 ? available - 3 : 0;
            return -1;
        }

        // The request's Content-Length, read in place from the head's first end bytes (0 when it has
        // none); at most what the receive buffer holds besides the head.
        private int BodyLength(int end, int limit)
        {
            const string Name = "\ncontent-length:";
            for (int i = 0; i + Name.Length <= end; i++)
            {
                int k = 0;
                while (k < Name.Length && Lower(Socket.Peek(i + k)) == Name[k])
                {
                    k++;
                }

                if (k < Name.Length)
                {
                    continue;
                }

                int length = 0;
                for (int j = i + k; j < end && length < limit; j++)
                {
                    int b = Socket.Peek(j);
                    if (b >= '0' && b <= '9')
                    {
                        length = length * 10 + (b - '0');
                    }
                    else if (b != ' ')
                    {
                        break;
                    }
                }

                return length < limit - end - 4 ? length : limit - end - 4;
            }

            return 0;
        }

        private static int Lower(byte b)
        {
            return b >= 'A' && b <= 'Z' ? b + 32 : b;
        }

        /// <summary>The request's body as it has arrived (what followed the head), at most <paramref name="most"/> bytes, as text.</summary>
        public string Body(int most)
        {
            int n = Socket.Available < most ? Socket.Available : most;
            byte[] body = new byte[n];
            Socket.Receive(body, 0, n);
            return Ascii.GetString(body, 0, n);
        }

        /// <summary>True once the connection is finished with (closed or failed).</summary>
        public bool Done
        {
            get { return Socket.IsClosed || (_closedAt >= 0 && Socket.PeerFinished && Socket.Available == 0); }
        }

        /// <summary>An access-log line, as the real images print on stdout: client, request line, status.</summary>
        private void LogRequest(string head)
        {
            if (_log == null)
            {
                return;
            }

            int lineEnd = head.IndexOf('\r');
            string requestLine = lineEnd < 0 ? head : head.Substring(0, lineEnd);
            string status = _response.Length >= 12 ? Ascii.GetString(_response, 9, 3) : "?";
            _log.Line(Wire.Ipv4Address.Format(Socket.RemoteAddress) + ":" + Socket.RemotePort.ToString() + " \"" + requestLine + "\" " + status);
        }

        /// <summary>
        /// Reads what arrived; when the head is complete (or too big, or the peer stopped
        /// sending) asks <paramref name="server"/> for the response bytes.
        /// </summary>
        public void Poll(IHttpHandler server, long now)
        {
            if (_closedAt >= 0)
            {
                // Closed: discard what still comes, until the client's FIN; past the linger
                // time, once the client has every byte of the response, reset.
                Socket.DiscardReceived();
                if (!Socket.IsClosed && !Socket.PeerFinished && Socket.SendPending == 0 && now - _closedAt >= LingerMs)
                {
                    Socket.Abort();
                }

                return;
            }

            if (_response == null)
            {
                int available = Socket.Available;
                int end = HeadEnd(available);
                int limit = MaximumHead < Socket.ReceiveCapacity ? MaximumHead : Socket.ReceiveCapacity;
                if (end >= 0 && now - OpenedAt < BodyWaitMs && available < end + 4 + BodyLength(end, limit) && !Socket.PeerFinished && !Socket.IsClosed)
                {
                    return; // a body is on its way (a POST's few bytes): the server reads it from the socket with the head
                }

                if (end >= 0)
                {
                    byte[] head = new byte[end + 4];
                    Socket.Receive(head, 0, head.Length);
                    string text = Ascii.GetString(head, 0, end);
                    _response = server.Respond(this, text);
                    LogRequest(text);
                }
                else if (available >= limit)
                {
                    _response = HttpText.Response(431, "Request Header Fields Too Large", "text/plain", "request head over " + limit.ToString() + " bytes\n");
                }
                else if (Socket.PeerFinished || Socket.IsClosed)
                {
                    // The client finished sending before its head was whole: no request will
                    // come, so no answer either (Go's net/http closes the same way).
                    Socket.Close();
                    _closedAt = now;
                    return;
                }
            }

            if (_response != null && _written < _response.Length)
            {
                _written += Socket.Send(_response, _written, _response.Length - _written);
                if (_written == _response.Length)
                {
                    Socket.Close();
                    _closedAt = now;
                }
            }
        }
    }
}
