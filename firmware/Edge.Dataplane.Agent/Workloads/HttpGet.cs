using Edge.Dataplane.Net;
using Edge.Dataplane.Net.Tcp;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Workloads
{
    /// <summary>
    /// An HTTP/1.1 GET (or a small form POST) from inside a pod (what `wget -qO-` and `curl -s`
    /// do): connect, send the request with Connection: close, read the status line and headers, stream the body
    /// to a sink until the server closes or Content-Length is reached. Polled like a workload.
    /// </summary>
    public sealed class HttpGet
    {
        public const int Connecting = 0;
        public const int ReadingHead = 1;
        public const int ReadingBody = 2;
        public const int Finished = 3;
        public const int Failed = 4;

        private readonly TcpSocket _socket;
        private readonly IByteSink _body;
        private readonly byte[] _request;
        private readonly byte[] _buffer = new byte[1460];
        private readonly byte[] _head = new byte[HttpConnection.MaximumHead];
        private int _headLength;
        private int _requestSent;
        private long _contentLength = -1;

        public int State;
        public int StatusCode;
        public string StatusLine = "";
        public string Error = "";
        public long BodyBytes;

        public HttpGet(PodSandbox pod, uint address, ushort port, string host, string path, IByteSink body)
            : this(pod, address, port, host, path, body, null)
        {
        }

        /// <summary>A POST of <paramref name="postData"/> as a form (what curl -d sends) when it is not null; a GET otherwise.</summary>
        public HttpGet(PodSandbox pod, uint address, ushort port, string host, string path, IByteSink body, string postData)
        {
            _body = body;
            _request = Ascii.Bytes((postData == null ? "GET " : "POST ") + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: edge-wget\r\nAccept: */*\r\n"
                + (postData == null ? "" : "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + postData.Length.ToString() + "\r\n")
                + "Connection: close\r\n\r\n" + (postData ?? ""));
            _socket = pod.Connect(address, port);
            if (_socket == null)
            {
                Fail("no socket left in the pod");
            }
        }

        public bool Done
        {
            get { return State == Finished || State == Failed; }
        }

        public void Poll(long now)
        {
            if (Done)
            {
                return;
            }

            if (_socket.State == TcpState.Closed && _socket.Error != TcpError.None)
            {
                Fail(TcpError.Name(_socket.Error));
                return;
            }

            if (State == Connecting)
            {
                if (!_socket.IsConnected)
                {
                    return;
                }

                State = ReadingHead;
            }

            if (_requestSent < _request.Length)
            {
                _requestSent += _socket.Send(_request, _requestSent, _request.Length - _requestSent);
            }

            if (State == ReadingHead)
            {
                _headLength += _socket.Receive(_head, _headLength, _head.Length - _headLength);
                int end = Ascii.IndexOfHeaderEnd(_head, 0, _headLength);
                if (end < 0)
                {
                    if (_headLength == _head.Length || _socket.EndOfStream)
                    {
                        Fail(_headLength == _head.Length ? "response head too large" : "connection closed before the response");
                    }

                    return;
                }

                ParseHead(Ascii.GetString(_head, 0, end));
                int bodyStart = end + 4;
                if (_headLength > bodyStart)
                {
                    Deliver(_head, bodyStart, _headLength - bodyStart);
                }

                State = ReadingBody;
            }

            int n;
            while (State == ReadingBody && (n = _socket.Receive(_buffer, 0, _buffer.Length)) > 0)
            {
                Deliver(_buffer, 0, n);
            }

            if (State == ReadingBody && (_socket.EndOfStream || (_contentLength >= 0 && BodyBytes >= _contentLength)))
            {
                State = Finished;
                _socket.Close();
            }
        }

        private void Deliver(byte[] data, int offset, int length)
        {
            _body.Write(data, offset, length);
            BodyBytes += length;
        }

        private void ParseHead(string head)
        {
            StatusLine = HttpText.RequestLine(head);
            string[] parts = StatusLine.Split(' ');
            int code;
            StatusCode = parts.Length > 1 && int.TryParse(parts[1], out code) ? code : 0;
            string lower = head.ToLower();
            int at = lower.IndexOf("\ncontent-length:");
            if (at >= 0)
            {
                int start = at + 16;
                int end = lower.IndexOf('\r', start);
                long length;
                if (end > start && long.TryParse(head.Substring(start, end - start).Trim(), out length))
                {
                    _contentLength = length;
                }
            }
        }

        private void Fail(string why)
        {
            Error = why;
            State = Failed;
            if (_socket != null && !_socket.IsClosed)
            {
                _socket.Abort();
            }
        }

        public static string Describe(uint address, ushort port)
        {
            return Ipv4Address.Format(address) + ":" + port.ToString();
        }
    }
}
