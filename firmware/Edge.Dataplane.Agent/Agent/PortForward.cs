using Edge.Dataplane.Net;
using Edge.Dataplane.Net.Tcp;
using Edge.Dataplane.Workloads.Tools;

namespace Edge.Dataplane.Agent
{
    /// <summary>
    /// One `kubectl port-forward` connection on the board, made as the kubelet makes it: TCP from
    /// inside the pod's sandbox to its own 127.0.0.1:PORT. The host's bytes arrive in the input
    /// ring (never more than the credit the session handed out, so none is dropped) and go into
    /// the connection as its send buffer takes them; the pod's bytes are read only as far as the
    /// output ring has room, so a slow host holds the pod back through TCP's window instead of
    /// losing data. The host's end of input becomes a half close; the forward ends once the pod
    /// has closed its side (exit 0), or at once when the port refuses or never answers (exit 1,
    /// the reason on stderr, in the kubelet's words).
    /// </summary>
    public sealed class PortForward : ITool
    {
        public const int ConnectTimeoutMs = 5000;

        private readonly TcpSocket _tcp;
        private readonly ByteRing _input;
        private readonly ByteRing _output;
        private readonly ToolOutput _errors;
        private readonly byte[] _buffer = new byte[256];
        private readonly int _port;
        private long _started = -1;
        private bool _connected;
        private bool _inputEnded;
        private bool _halfClosed;
        private bool _done;
        private int _exit;
        private int _consumed;

        public PortForward(PodSandbox pod, int port, ByteRing input, ByteRing output, ToolOutput errors)
        {
            _input = input;
            _output = output;
            _errors = errors;
            _port = port;
            _tcp = pod.Connect(PodSandbox.LoopbackAddress, (ushort)port);
        }

        public bool Done
        {
            get { return _done; }
        }

        public int ExitCode
        {
            get { return _exit; }
        }

        /// <summary>The host has sent all it will (its client half closed).</summary>
        public void EndInput()
        {
            _inputEnded = true;
        }

        /// <summary>Input bytes passed into the connection since the last call: credit the session hands back to the host.</summary>
        public int TakeConsumed()
        {
            int n = _consumed;
            _consumed = 0;
            return n;
        }

        public void Poll(long now)
        {
            if (_done)
            {
                return;
            }

            if (_started < 0)
            {
                _started = now;
                if (_tcp == null)
                {
                    Fail("failed to connect to localhost:" + _port + " inside the pod: no socket left in the pod");
                    return;
                }
            }

            if (_tcp.State == TcpState.Closed && _tcp.Error != TcpError.None)
            {
                Fail((_connected ? "lost the connection to localhost:" : "failed to connect to localhost:") + _port + " inside the pod: " + TcpError.Name(_tcp.Error));
                return;
            }

            if (!_tcp.IsConnected && !_tcp.IsClosed)
            {
                if (now - _started >= ConnectTimeoutMs)
                {
                    _tcp.Abort();
                    Fail("failed to connect to localhost:" + _port + " inside the pod: connection timed out");
                }

                return;
            }

            _connected = true;

            MoveInput();
            MoveOutput();
            if (_tcp.EndOfStream || _tcp.IsClosed)
            {
                if (!_tcp.IsClosed)
                {
                    _tcp.Close();
                }

                _done = true;
            }
        }

        public void Cancel()
        {
            if (_tcp != null && !_tcp.IsClosed)
            {
                _tcp.Abort();
            }

            _done = true;
            _exit = 130;
        }

        private void MoveInput()
        {
            while (_input.Count > 0)
            {
                int n = _input.Peek(0, _buffer, 0, _buffer.Length);
                int sent = _tcp.Send(_buffer, 0, n);
                _input.Discard(sent);
                _consumed += sent;
                if (sent < n)
                {
                    return; // the send buffer is full: the rest waits for the pod's acks
                }
            }

            if (_inputEnded && !_halfClosed)
            {
                _halfClosed = true;
                _tcp.Close(); // half close: the pod sees the end of the request and still answers
            }
        }

        private void MoveOutput()
        {
            while (_output.Free > 0)
            {
                int room = _output.Free < _buffer.Length ? _output.Free : _buffer.Length;
                int got = _tcp.Receive(_buffer, 0, room);
                if (got <= 0)
                {
                    return;
                }

                _output.Write(_buffer, 0, got);
            }
        }

        private void Fail(string message)
        {
            _errors.ErrorLine(message);
            _done = true;
            _exit = 1;
        }
    }
}
