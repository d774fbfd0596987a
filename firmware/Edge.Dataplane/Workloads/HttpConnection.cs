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

        public HttpConnection(TcpSocket socket, long now)
        {
            Socket = socket;
            OpenedAt = now;
        }

        /// <summary>True once the connection is finished with (closed or failed).</summary>
        public bool Done
        {
            get { return Socket.IsClosed || (_response != null && _written == _response.Length && Socket.State != TcpState.Established && Socket.State != TcpState.CloseWait); }
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
                    _response = server.Respond(this, Ascii.GetString(_head, 0, end));
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
