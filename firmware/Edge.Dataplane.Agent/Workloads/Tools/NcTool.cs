using Edge.Dataplane.Net;
using Edge.Dataplane.Net.Tcp;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Workloads.Tools
{
    /// <summary>
    /// `nc [-u] [-z] [-w SECONDS] HOST PORT`: sends its standard input and prints what comes
    /// back (TCP until the peer closes or the timeout; UDP one exchange), or with -z only checks
    /// that the TCP port accepts a connection. Exit 0 on success, 1 otherwise.
    /// </summary>
    public sealed class NcTool : ITool
    {
        private readonly ToolOutput _output;
        private readonly byte[] _input;
        private readonly bool _udp;
        private readonly bool _scan;
        private readonly long _timeoutMs;
        private readonly string _target;
        private readonly TcpSocket _tcp;
        private readonly UdpSocket _udpSocket;
        private readonly uint _address;
        private readonly ushort _port;
        private readonly byte[] _buffer = new byte[512];
        private int _inputSent;
        private long _started = -1;
        private long _lastActivity;
        private bool _done;
        private int _exit;

        private NcTool(PodSandbox pod, uint address, ushort port, bool udp, bool scan, int timeoutSeconds, byte[] input, string target, ToolOutput output)
        {
            _output = output;
            _input = input ?? new byte[0];
            _udp = udp;
            _scan = scan;
            _timeoutMs = timeoutSeconds * 1000L;
            _target = target;
            _address = address;
            _port = port;
            if (udp)
            {
                _udpSocket = pod.OpenUdp(0);
            }
            else
            {
                _tcp = pod.Connect(address, port);
            }
        }

        public static ITool Start(PodSandbox pod, string[] args, byte[] input, ToolOutput output, out int exitCode)
        {
            bool udp = false, scan = false;
            int timeout = 5;
            string host = null, portText = null;
            for (int i = 1; i < args.Length; i++)
            {
                string a = args[i];
                int value;
                if (a == "-u")
                {
                    udp = true;
                }
                else if (a == "-z")
                {
                    scan = true;
                }
                else if (a == "-w" && i + 1 < args.Length && int.TryParse(args[i + 1], out value) && value > 0)
                {
                    timeout = value;
                    i++;
                }
                else if (!a.StartsWith("-") && host == null)
                {
                    host = a;
                }
                else if (!a.StartsWith("-") && portText == null)
                {
                    portText = a;
                }
                else
                {
                    output.ErrorLine("Usage: nc [-u] [-z] [-w SECONDS] HOST PORT");
                    exitCode = 1;
                    return null;
                }
            }

            uint address;
            int port;
            if (host == null || portText == null || !int.TryParse(portText, out port) || port < 1 || port > 65535)
            {
                output.ErrorLine("Usage: nc [-u] [-z] [-w SECONDS] HOST PORT");
                exitCode = 1;
                return null;
            }

            exitCode = 0;
            string target = host + " (" + host + ":" + portText + ")";
            if (!Ipv4Address.TryParse(host, out address))
            {
                ushort p = (ushort)port;
                bool u = udp, z = scan;
                int w = timeout;
                return new ResolvingTool(pod, host, delegate(uint resolved) { return new NcTool(pod, resolved, p, u, z, w, input, target, output); },
                    output, "nc: bad address '" + host + "'", 1);
            }

            return new NcTool(pod, address, (ushort)port, udp, scan, timeout, input, target, output);
        }

        public bool Done
        {
            get { return _done; }
        }

        public int ExitCode
        {
            get { return _exit; }
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
                _lastActivity = now;
                if ((_udp && _udpSocket == null) || (!_udp && _tcp == null))
                {
                    _output.ErrorLine("nc: socket: no socket left in the pod");
                    Finish(1);
                    return;
                }

                if (_udp)
                {
                    _udpSocket.SendTo(_address, _port, _input, 0, _input.Length);
                }
            }

            if (_udp)
            {
                uint from;
                ushort fromPort;
                int n;
                while ((n = _udpSocket.ReceiveFrom(_buffer, 0, _buffer.Length, out from, out fromPort)) >= 0)
                {
                    _output.Bytes(_buffer, 0, n);
                    _lastActivity = now;
                }

                if (now - _lastActivity >= _timeoutMs)
                {
                    _udpSocket.Close();
                    Finish(0);
                }

                return;
            }

            if (_tcp.State == TcpState.Closed && _tcp.Error != TcpError.None)
            {
                _output.ErrorLine("nc: can't connect to remote host " + _target + ": " + TcpError.Name(_tcp.Error));
                Finish(1);
                return;
            }

            if (!_tcp.IsConnected && !_tcp.IsClosed)
            {
                if (now - _started >= _timeoutMs)
                {
                    _output.ErrorLine("nc: can't connect to remote host " + _target + ": connection timed out");
                    _tcp.Abort();
                    Finish(1);
                }

                return;
            }

            if (_scan)
            {
                _tcp.Close();
                Finish(0);
                return;
            }

            if (_inputSent < _input.Length)
            {
                _inputSent += _tcp.Send(_input, _inputSent, _input.Length - _inputSent);
                if (_inputSent == _input.Length)
                {
                    _tcp.Close(); // end of standard input: half close, keep reading
                }
            }
            else if (_input.Length == 0 && _tcp.State == TcpState.Established)
            {
                _tcp.Close();
            }

            int got;
            while ((got = _tcp.Receive(_buffer, 0, _buffer.Length)) > 0)
            {
                _output.Bytes(_buffer, 0, got);
                _lastActivity = now;
            }

            if (_tcp.EndOfStream || _tcp.IsClosed || now - _lastActivity >= _timeoutMs)
            {
                if (!_tcp.IsClosed)
                {
                    _tcp.Abort();
                }

                Finish(0);
            }
        }

        public void Cancel()
        {
            if (_tcp != null && !_tcp.IsClosed)
            {
                _tcp.Abort();
            }

            if (_udpSocket != null)
            {
                _udpSocket.Close();
            }

            Finish(130);
        }

        private void Finish(int exit)
        {
            _done = true;
            _exit = exit;
        }
    }
}
