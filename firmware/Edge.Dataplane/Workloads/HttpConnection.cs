using Edge.Dataplane.Net.Tcp;

namespace Edge.Dataplane.Workloads
{
    /// <summary>
    /// One accepted HTTP/1.1 connection of a built-in server: collects the request head (up to
    /// <see cref="MaximumHead"/> bytes), hands it to the server for a response, writes the
    /// response as the send buffer allows, then closes (Connection: close).
    /// </summary>
    public sealed class HttpConnection
    {
        public const int MaximumHead = 2048;

        private readonly byte[] _head = new byte[MaximumHead];
        private int _headLength;
        private byte[] _response;
        private int _written;

        public readonly TcpSocket Socket;
        public readonly long OpenedAt;
        private readonly Net.PodLog _log;

        public HttpConnection(TcpSocket socket, long now, Net.PodLog log)
        {
            Socket = socket;
            OpenedAt = now;
            _log = log;
        }

        /// <summary>True once the connection is finished with (closed or failed).</summary>
        public bool Done
        {
            get { return Socket.IsClosed || (_response != null && _written == _response.Length && Socket.State != TcpState.Established && Socket.State != TcpState.CloseWait); }
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
            if (_response == null)
            {
                int n = Socket.Receive(_head, _headLength, MaximumHead - _headLength);
                _headLength += n;
                int end = Ascii.IndexOfHeaderEnd(_head, 0, _headLength);
                if (end >= 0)
                {
                    string head = Ascii.GetString(_head, 0, end);
                    _response = server.Respond(this, head);
                    LogRequest(head);
                }
                else if (_headLength == MaximumHead)
                {
                    _response = HttpText.Response(431, "Request Header Fields Too Large", "text/plain", "request head over 2048 bytes\n");
                }
                else if (Socket.EndOfStream || Socket.IsClosed)
                {
                    Socket.Close();
                    return;
                }
            }

            if (_response != null && _written < _response.Length)
            {
                _written += Socket.Send(_response, _written, _response.Length - _written);
                if (_written == _response.Length)
                {
                    Socket.Close();
                }
            }
        }
    }
}
