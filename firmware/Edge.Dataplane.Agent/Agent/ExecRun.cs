using Edge.Dataplane.Net;
using Edge.Dataplane.Workloads.Tools;

namespace Edge.Dataplane.Agent
{
    /// <summary>
    /// The one tool a board runs for `edgectl exec` at a time, or the one port-forward connection:
    /// its output is caught in two fixed rings (stdout, stderr) that the session drains into
    /// ExecOutput frames after every poll; bytes a tool writes that do not fit before the next
    /// drain are counted, not kept (a forward reads only what fits). A forward's input comes
    /// into a third ring, within the credit the session hands the host.
    /// </summary>
    public sealed class ExecRun : IByteSink
    {
        public const int RingBytes = 2048;

        /// <summary>A forward's input ring: the credit the host starts with.</summary>
        public const int InputBytes = 1024;

        // Allocated on the first exec: a board nobody execs into keeps the 4 KB.
        private ByteRing _out;
        private ByteRing _err;
        private readonly ErrSink _errSink;
        private ITool _tool;
        private PortForward _forward;
        private ByteRing _in;
        private int _exitCode;

        private bool _creditGiven;

        public ushort RequestId;
        public bool Active;
        public long LostBytes;

        public ExecRun()
        {
            _errSink = new ErrSink(this);
        }

        /// <summary>Starts a tool in the pod; a tool that cannot start leaves its reason on stderr and is done at once.</summary>
        public void Start(ushort requestId, PodSandbox pod, string[] args, byte[] input)
        {
            Begin(requestId);
            _tool = ToolRunner.Start(pod, args, input, new ToolOutput(this, _errSink), out _exitCode);
        }

        /// <summary>Starts `env`: the container's environment (<see cref="EnvTool"/>), printed as the output has room.</summary>
        public void StartEnv(ushort requestId, string ns, string podName, Mgmt.ContainerSpec container, Proxy.Service[] services, bool serviceLinks, string withheld)
        {
            Begin(requestId);
            _tool = new EnvTool(ns, podName, container, services, serviceLinks, withheld, new ToolOutput(this, _errSink), _out);
        }

        /// <summary>Starts a forward to the pod's own port; its first poll connects.</summary>
        public void StartForward(ushort requestId, PodSandbox pod, int port)
        {
            Begin(requestId);
            _in = new ByteRing(InputBytes);
            _forward = new PortForward(pod, port, _in, _out, new ToolOutput(this, _errSink));
            _tool = _forward;
            _exitCode = 0;
        }

        /// <summary>Whether this run is a forward (it takes input and hands out credit).</summary>
        public bool Forwarding
        {
            get { return _forward != null; }
        }

        /// <summary>The host's bytes for a forward; beyond the credit they are counted as lost (a host that broke the protocol).</summary>
        public void Input(byte[] buffer, int offset, int length)
        {
            if (_forward == null)
            {
                return;
            }

            if (length == 0)
            {
                _forward.EndInput();
                return;
            }

            LostBytes += length - _in.Write(buffer, offset, length);
        }

        /// <summary>Credit to hand the host: the ring's size at first, then what the forward has passed on since.</summary>
        public int TakeCredit()
        {
            if (_forward == null)
            {
                return 0;
            }

            if (!_creditGiven)
            {
                _creditGiven = true;
                _forward.TakeConsumed();
                return InputBytes;
            }

            return _forward.TakeConsumed();
        }

        /// <summary>Starts nothing: only a message on stderr and an exit code (no such pod, not running).</summary>
        public void Refuse(ushort requestId, string message, int exitCode)
        {
            Begin(requestId);
            _tool = null;
            _exitCode = exitCode;
            byte[] bytes = Workloads.Ascii.Bytes(message + "\n");
            WriteErr(bytes, 0, bytes.Length);
        }

        private void Begin(ushort requestId)
        {
            if (_out == null)
            {
                _out = new ByteRing(RingBytes);
                _err = new ByteRing(RingBytes);
            }

            RequestId = requestId;
            Active = true;
            _out.Clear();
            _err.Clear();
        }

        public void Poll(long now)
        {
            if (_tool != null && !_tool.Done)
            {
                _tool.Poll(now);
            }
        }

        public bool Done
        {
            get { return _tool == null || _tool.Done; }
        }

        public int ExitCode
        {
            get { return _tool == null ? _exitCode : _tool.ExitCode; }
        }

        public ByteRing Output
        {
            get { return _out; }
        }

        public ByteRing Error
        {
            get { return _err; }
        }

        public void Cancel()
        {
            if (_tool != null && !_tool.Done)
            {
                _tool.Cancel();
            }
        }

        public void Finish()
        {
            Active = false;
            _tool = null;
            _forward = null;
            _in = null;
        }

        public void Write(byte[] buffer, int offset, int length)
        {
            LostBytes += length - _out.Write(buffer, offset, length);
        }

        private void WriteErr(byte[] buffer, int offset, int length)
        {
            LostBytes += length - _err.Write(buffer, offset, length);
        }

        private sealed class ErrSink : IByteSink
        {
            private readonly ExecRun _run;

            public ErrSink(ExecRun run)
            {
                _run = run;
            }

            public void Write(byte[] buffer, int offset, int length)
            {
                _run.WriteErr(buffer, offset, length);
            }
        }
    }
}
