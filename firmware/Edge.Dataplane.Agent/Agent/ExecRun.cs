using Edge.Dataplane.Net;
using Edge.Dataplane.Workloads.Tools;

namespace Edge.Dataplane.Agent
{
    /// <summary>
    /// The one tool a board runs for `edgectl exec` at a time: its output is caught in two fixed
    /// rings (stdout, stderr) that the session drains into ExecOutput frames after every poll;
    /// bytes that do not fit before the next drain are counted, not kept.
    /// </summary>
    public sealed class ExecRun : IByteSink
    {
        public const int RingBytes = 2048;

        // Allocated on the first exec: a board nobody execs into keeps the 4 KB.
        private ByteRing _out;
        private ByteRing _err;
        private readonly ErrSink _errSink;
        private ITool _tool;
        private int _exitCode;

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
