using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Net;
using Edge.Dataplane.Net.Tcp;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Workloads;
using Edge.Dataplane.Workloads.Tools;

namespace Edge.Dataplane.Agent
{
    /// <summary>
    /// The kubelet's prober, for a board: runs the containers' startup, liveness and readiness
    /// probes when they are due, one at a time for the whole board (a probe in flight holds a
    /// connection's buffers, which a small board has room for once), and acts on their results
    /// as the kubelet does: a startup probe gates the others; readiness sets the container's
    /// Ready (the pod's endpoints follow it); startup and liveness failures past their threshold
    /// restart the container.
    ///
    /// Probes go to the pod's own address from inside its sandbox, so they reach what listens on
    /// the pod's port without crossing the bridge, and network policy does not apply to them (as
    /// on Kubernetes, where the kubelet's probes are always let in).
    /// </summary>
    public sealed class Prober : IByteSink
    {
        // The probe in flight: its container, which probe, its deadline, and its connection or tool.
        private RunningPod _pod;
        private RunningContainer _container;
        private int _which;
        private long _deadline;
        private TcpSocket _socket;
        private ITool _tool;

        // The container's program the probe began with: a result for one that has since been
        // restarted is not the new one's.
        private Workloads.IWorkload _workload;

        // An httpGet's request (until sent), then the failure message of an exec probe as its output gives it.
        private byte[] _request;
        private int _sent;
        private string _output;

        /// <summary>Probes run, and how many failed, since the board started (for `describe node`-style counters and tests).</summary>
        public long Runs;
        public long Failures;

        // A probe's connection sends a request of a few headers and reads a status line: small
        // buffers (the rest of the answer waits at the server until the probe hangs up).
        private const int RequestBuffer = 256;
        private const int StatusBuffer = 32;

        /// <summary>The exit code a container the kubelet stops reports: terminated by its TERM (128 + 15).</summary>
        public const int KilledExitCode = 143;

        /// <summary>Runs the due probe, or goes on with the one in flight; returns 1 when one started or ended (waiting on a connection is not work: the board may idle).</summary>
        public int Poll(NodeAgent agent, long now)
        {
            long runs = Runs;
            bool busy = _container != null;
            Step(agent, now);
            return Runs != runs || busy != (_container != null) ? 1 : 0;
        }

        private void Step(NodeAgent agent, long now)
        {
            if (_container == null && !Pick(agent, now))
            {
                return;
            }

            if (_container == null)
            {
                return; // it began and ended at once (no socket left, a tool the pod does not have)
            }

            if (_container.Workload != _workload || _pod.Sandbox == null)
            {
                Abandon(); // the container stopped or was restarted meanwhile
                return;
            }

            if (_socket != null)
            {
                PollConnection(agent, now);
            }
            else if (_tool != null)
            {
                _tool.Poll(now);
                if (_tool.Done)
                {
                    int exit = _tool.ExitCode;
                    Finish(agent, exit == 0, exit == 0 ? "" : ExecMessage(exit), now);
                }
                else if (now >= _deadline)
                {
                    _tool.Cancel();
                    Finish(agent, false, "command timed out after " + _container.Spec.Probe(_which).TimeoutSeconds.ToString() + "s", now);
                }
            }
        }

        /// <summary>Lets go of the probe in flight when it is <paramref name="pod"/>'s (the pod is going).</summary>
        public void Forget(RunningPod pod)
        {
            if (_pod == pod)
            {
                Abandon();
            }
        }

        /// <summary>Lets go of the probe in flight (the node is rebuilt).</summary>
        public void Forget()
        {
            Abandon();
        }

        // The probe most overdue across the board's running containers; a startup probe until it
        // passes, then liveness and readiness.
        private bool Pick(NodeAgent agent, long now)
        {
            RunningPod[] pods = agent.Pods;
            long earliest = long.MaxValue;
            for (int i = 0; i < pods.Length; i++)
            {
                for (int c = 0; c < pods[i].Containers.Length; c++)
                {
                    RunningContainer container = pods[i].Containers[c];
                    if (container.Workload == null || container.Spec.Probes == null)
                    {
                        continue;
                    }

                    for (int k = 0; k < 3; k++)
                    {
                        bool runs = k == ProbeSpec.Startup ? !container.Started : container.Started;
                        long due = container.ProbeDue(k);
                        if (runs && container.Spec.Probe(k) != null && due <= now && due < earliest)
                        {
                            earliest = due;
                            _pod = pods[i];
                            _container = container;
                            _which = k;
                        }
                    }
                }
            }

            if (_container == null)
            {
                return false;
            }

            Begin(agent, now);
            return true;
        }

        // Starts the probe; one that cannot start (a command the pod does not have, no socket
        // left in the pod) fails at once, as the kubelet's would.
        private void Begin(NodeAgent agent, long now)
        {
            ProbeSpec probe = _container.Spec.Probe(_which);
            _deadline = now + probe.TimeoutSeconds * 1000L;
            _workload = _container.Workload;
            Runs++;
            PodSandbox sandbox = _pod.Sandbox;
            if (probe.Handler == ProbeSpec.Exec)
            {
                int exit;
                _output = "";
                _tool = ToolRunner.Start(sandbox, probe.Words, null, new ToolOutput(this, this), out exit);
                if (_tool == null)
                {
                    Finish(agent, exit == 0, exit == 0 ? "" : ExecMessage(exit), now);
                }

                return;
            }

            _socket = sandbox.Connect(sandbox.Address, (ushort)probe.Port, RequestBuffer, StatusBuffer);
            if (_socket == null)
            {
                Finish(agent, false, Dial(probe, Ipv4Address.Format(sandbox.Address) + ":" + probe.Port.ToString()) + "no socket left in the pod", now);
                return;
            }

            if (probe.Handler == ProbeSpec.HttpGet)
            {
                _request = Ascii.Bytes(HttpRequest(probe, sandbox.Address));
                _sent = 0;
            }
        }

        // What the kubelet's HTTP prober sends: GET with its User-Agent and Accept, the probe's
        // headers (which may replace those), and a Host of the address it dials.
        private static string HttpRequest(ProbeSpec probe, uint address)
        {
            string host = Ipv4Address.Format(address) + ":" + probe.Port.ToString();
            string userAgent = "kube-probe/1.31";
            string accept = "*/*";
            string extra = "";
            for (int i = 1; i < probe.Words.Length; i++)
            {
                string header = probe.Words[i];
                int colon = header.IndexOf(':');
                string name = colon < 0 ? header : header.Substring(0, colon).ToLower();
                string value = colon < 0 ? "" : header.Substring(colon + 1).Trim();
                if (name == "host")
                {
                    host = value;
                }
                else if (name == "user-agent")
                {
                    userAgent = value;
                }
                else if (name == "accept")
                {
                    accept = value;
                }
                else
                {
                    extra += header + "\r\n";
                }
            }

            return "GET " + probe.Path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: " + userAgent + "\r\nAccept: " + accept + "\r\n"
                + extra + "Connection: close\r\n\r\n";
        }

        private void PollConnection(NodeAgent agent, long now)
        {
            ProbeSpec probe = _container.Spec.Probe(_which);
            if (_socket.State == TcpState.Closed && _socket.Error != TcpError.None || _socket.IsClosed)
            {
                string why = _socket.Error == TcpError.Refused ? "connect: connection refused" : TcpError.Name(_socket.Error);
                Finish(agent, false, Dial(probe, Target(probe)) + why, now);
                return;
            }

            if (now >= _deadline)
            {
                Finish(agent, false, probe.Handler == ProbeSpec.HttpGet && _socket.IsConnected
                    ? "Get \"" + Url(probe, Target(probe)) + "\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
                    : Dial(probe, Target(probe)) + "i/o timeout", now);
                return;
            }

            if (!_socket.IsConnected)
            {
                return;
            }

            if (probe.Handler == ProbeSpec.TcpSocket)
            {
                Finish(agent, true, "", now); // the kubelet's TCP probe: the connection opened
                return;
            }

            if (_sent < _request.Length)
            {
                _sent += _socket.Send(_request, _sent, _request.Length - _sent);
            }

            // "HTTP/1.1 200 ": the status code is what the kubelet judges (200-399 is success).
            if (_socket.Available >= 12)
            {
                int status = (_socket.Peek(9) - '0') * 100 + (_socket.Peek(10) - '0') * 10 + (_socket.Peek(11) - '0');
                bool ok = status >= 200 && status < 400;
                Finish(agent, ok, ok ? "" : "HTTP probe failed with statuscode: " + status.ToString(), now);
            }
            else if (_socket.EndOfStream)
            {
                Finish(agent, false, "Get \"" + Url(probe, Target(probe)) + "\": EOF", now);
            }
        }

        // The address and port a probe dials, for its failure message (made only when it fails).
        private string Target(ProbeSpec probe)
        {
            return Ipv4Address.Format(_pod.Sandbox.Address) + ":" + probe.Port.ToString();
        }

        private static string Dial(ProbeSpec probe, string target)
        {
            return (probe.Handler == ProbeSpec.HttpGet ? "Get \"" + Url(probe, target) + "\": " : "") + "dial tcp " + target + ": ";
        }

        private static string Url(ProbeSpec probe, string target)
        {
            return "http://" + target + probe.Path;
        }

        private string ExecMessage(int exit)
        {
            string[] command = _container.Spec.Probe(_which).Words;
            string line = _output.Length > 0 && _output[_output.Length - 1] == '\n' ? _output.Substring(0, _output.Length - 1) : _output;
            return line.Length > 0 ? line : "command " + (command.Length > 0 ? command[0] : "") + " exited with " + exit.ToString();
        }

        // The result, as the kubelet acts on it.
        private void Finish(NodeAgent agent, bool success, string message, long now)
        {
            RunningContainer container = _container;
            int which = _which;
            ProbeSpec probe = container.Spec.Probe(which);
            Abandon();
            if (!success)
            {
                Failures++;
                container.ProbeFailure = ProbeName(which) + " probe failed: " + message;
            }
            else if (container.ProbeFailure.Length > 0 && container.ProbeFailure.StartsWith(ProbeName(which)))
            {
                container.ProbeFailure = ""; // this probe passes again (another probe's failure stands)
            }

            int run = container.ProbeResult(which, success, now);
            if (which == ProbeSpec.Readiness)
            {
                bool ready = container.Ready;
                if (run >= probe.SuccessThreshold && !ready || run <= -probe.FailureThreshold && ready)
                {
                    container.Ready = !ready;
                    agent.StatusChanged = true; // endpoints follow readiness: tell the host now
                }

                return;
            }

            if (which == ProbeSpec.Startup && run >= probe.SuccessThreshold)
            {
                container.Started = true;
                container.Ready = container.Spec.Probe(ProbeSpec.Readiness) == null;
                agent.StatusChanged = true;
                return;
            }

            if (run <= -probe.FailureThreshold)
            {
                // The kubelet stops the container and starts it again ("Container whoami failed
                // liveness probe, will be restarted", the host's event says, from ProbeFailure).
                agent.Crashed(container, KilledExitCode, false, now);
                agent.StatusChanged = true;
            }
        }

        private static string ProbeName(int which)
        {
            return which == ProbeSpec.Startup ? "Startup" : which == ProbeSpec.Liveness ? "Liveness" : "Readiness";
        }

        private void Abandon()
        {
            if (_socket != null && !_socket.IsClosed)
            {
                _socket.Abort();
            }

            if (_tool != null && !_tool.Done)
            {
                _tool.Cancel(); // its socket closed, not left in the pod's table
            }

            _workload = null;

            _socket = null;
            _tool = null;
            _request = null;
            _pod = null;
            _container = null;
            _output = null;
        }

        // An exec probe's output: its first line is the failure message, as the kubelet gives it
        // (up to 120 characters), taken a piece at a time as the tool writes it; the line's own
        // newline, kept once it came, says it is whole.
        void IByteSink.Write(byte[] buffer, int offset, int length)
        {
            if (_output == null || (_output.Length > 0 && _output[_output.Length - 1] == '\n'))
            {
                return;
            }

            int start = offset;
            int end = offset + length;
            while (_output.Length == 0 && start < end && buffer[start] == '\n')
            {
                start++; // blank lines before it
            }

            int stop = start;
            while (stop < end && buffer[stop] != '\n')
            {
                stop++;
            }

            int take = stop - start < 120 - _output.Length ? stop - start : 120 - _output.Length;
            if (take > 0)
            {
                _output += Ascii.GetString(buffer, start, take);
            }

            if (stop < end && _output.Length > 0)
            {
                _output += "\n";
            }
        }
    }
}
