using Edge.Dataplane.Net;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Workloads.Tools
{
    /// <summary>
    /// `ping [-c COUNT] [-i SECONDS] [-W SECONDS] [-s SIZE] HOST` with busybox's output: a line
    /// per reply with its TTL and time, then the statistics. Exit 0 when any reply came, 1 when
    /// none did.
    /// </summary>
    public sealed class PingTool : ITool
    {
        private readonly ToolOutput _output;
        private readonly IcmpEchoSocket _socket;
        private readonly uint _target;
        private readonly int _count;
        private readonly int _intervalMs;
        private readonly int _timeoutMs;
        private readonly int _size;
        private int _sent;
        private int _received;
        private long _nextSend;
        private long _lastSent;
        private long _minRtt = long.MaxValue;
        private long _maxRtt;
        private long _totalRtt;
        private bool _done;
        private int _exit;

        private PingTool(ToolOutput output, IcmpEchoSocket socket, uint target, int count, int intervalMs, int timeoutMs, int size)
        {
            _output = output;
            _socket = socket;
            _target = target;
            _count = count;
            _intervalMs = intervalMs;
            _timeoutMs = timeoutMs;
            _size = size;
            output.Line("PING " + Ipv4Address.Format(target) + " (" + Ipv4Address.Format(target) + "): " + size.ToString() + " data bytes");
        }

        /// <summary>Starts ping, or returns null after writing the usage error (exit code in <paramref name="exitCode"/>).</summary>
        public static ITool Start(PodSandbox pod, string[] args, ToolOutput output, out int exitCode)
        {
            exitCode = 0;
            int count = 4, interval = 1000, timeout = 10000, size = 56;
            string host = null;
            for (int i = 1; i < args.Length; i++)
            {
                string a = args[i];
                int value;
                if ((a == "-c" || a == "-i" || a == "-W" || a == "-s") && i + 1 < args.Length && int.TryParse(args[i + 1], out value) && value >= 0)
                {
                    if (a == "-c") count = value;
                    if (a == "-i") interval = value * 1000;
                    if (a == "-W") timeout = value * 1000;
                    if (a == "-s") size = value > 1400 ? 1400 : value;
                    i++;
                }
                else if (a.StartsWith("-") || host != null)
                {
                    output.ErrorLine("Usage: ping [-c COUNT] [-i SECONDS] [-W SECONDS] [-s SIZE] HOST");
                    exitCode = 1;
                    return null;
                }
                else
                {
                    host = a;
                }
            }

            uint target;
            if (host == null)
            {
                output.ErrorLine("ping: bad address ''");
                exitCode = 1;
                return null;
            }

            if (!Ipv4Address.TryParse(host, out target))
            {
                int c = count, iv = interval, t = timeout, sz = size;
                return new ResolvingTool(pod, host, delegate(uint address) { return Open(pod, address, c, iv, t, sz, output); },
                    output, "ping: bad address '" + host + "'", 1);
            }

            return Open(pod, target, count, interval, timeout, size, output);
        }

        private static ITool Open(PodSandbox pod, uint target, int count, int interval, int timeout, int size, ToolOutput output)
        {
            IcmpEchoSocket socket = pod.OpenEcho();
            if (socket == null)
            {
                output.ErrorLine("ping: socket: no socket left in the pod");
                return null;
            }

            return new PingTool(output, socket, target, count == 0 ? 4 : count, interval, timeout, size);
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

            ushort seq;
            uint from;
            long rtt;
            byte ttl;
            while (_socket.TryReadReply(out seq, out from, out rtt, out ttl))
            {
                _received++;
                _totalRtt += rtt;
                _minRtt = rtt < _minRtt ? rtt : _minRtt;
                _maxRtt = rtt > _maxRtt ? rtt : _maxRtt;
                _output.Line((_size + 8).ToString() + " bytes from " + Ipv4Address.Format(from) + ": seq=" + seq.ToString()
                    + " ttl=" + ttl.ToString() + " time=" + rtt.ToString() + " ms");
            }

            if (_sent < _count && now >= _nextSend)
            {
                _socket.Send(_target, (ushort)_sent, _size);
                _sent++;
                _lastSent = now;
                _nextSend = now + _intervalMs;
            }

            if (_sent == _count && (_received >= _count || now - _lastSent >= (_timeoutMs < _intervalMs ? _timeoutMs : _intervalMs)))
            {
                Finish();
            }
        }

        public void Cancel()
        {
            Finish();
            _exit = 130;
        }

        private void Finish()
        {
            _done = true;
            _socket.Close();
            int loss = _sent == 0 ? 0 : (_sent - _received) * 100 / _sent;
            _output.Line("");
            _output.Line("--- " + Ipv4Address.Format(_target) + " ping statistics ---");
            _output.Line(_sent.ToString() + " packets transmitted, " + _received.ToString() + " packets received, " + loss.ToString() + "% packet loss");
            if (_received > 0)
            {
                _output.Line("round-trip min/avg/max = " + _minRtt.ToString() + "/" + (_totalRtt / _received).ToString() + "/" + _maxRtt.ToString() + " ms");
            }

            _exit = _received > 0 ? 0 : 1;
        }
    }
}
