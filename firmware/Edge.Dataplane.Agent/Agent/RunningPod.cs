using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Net;
using Edge.Dataplane.Workloads;

namespace Edge.Dataplane.Agent
{
    /// <summary>A pod the agent runs: its spec, sandbox, workload, and the status reported to the host.</summary>
    public sealed class RunningPod
    {
        public PodSpec Spec;
        public PodSandbox Sandbox;
        public IWorkload Workload;
        public int Phase;

        // Why the pod is not running, when it is not: one field, null while it runs (on
        // nanoFramework every field is a 12-byte block in every pod).
        private string[] _why;

        /// <summary>Why the pod is not running (Kubernetes-style reason); "" while it runs.</summary>
        public string Reason
        {
            get { return _why == null ? "" : _why[0]; }
            set { Why()[0] = value; }
        }

        /// <summary>The human-readable message beside <see cref="Reason"/>; "" while it runs.</summary>
        public string Message
        {
            get { return _why == null ? "" : _why[1]; }
            set { Why()[1] = value; }
        }

        // A container that exited: its restarts, when it starts again, how it last exited; made on
        // the first exit (most pods never have one, and each field costs every pod 12 bytes).
        private long[] _exits;

        /// <summary>How many times the container was started again after it exited (kubelet's restartCount).</summary>
        public int Restarts
        {
            get { return _exits == null ? 0 : (int)_exits[0]; }
        }

        /// <summary>The code the container last exited with; -1 when it never exited.</summary>
        public int LastExit
        {
            get { return _exits == null ? -1 : (int)_exits[2]; }
        }

        /// <summary>Whether the container waits to be started again (its program exited).</summary>
        public bool BackingOff
        {
            get { return _exits != null && Workload == null && _exits[1] > 0; }
        }

        /// <summary>When the container starts again, in the board clock's milliseconds.</summary>
        public long RestartAt
        {
            get { return _exits == null ? 0 : _exits[1]; }
        }

        /// <summary>
        /// The container exited with <paramref name="code"/>: it starts again after the kubelet's
        /// back-off, 10 s doubling with each restart up to 5 min; returns the back-off in seconds.
        /// </summary>
        public int Exited(int code, long now)
        {
            if (_exits == null)
            {
                _exits = new long[3];
            }

            int restarts = (int)_exits[0];
            int backoff = restarts >= 5 ? MaxBackoffSeconds : 10 << restarts;
            if (backoff > MaxBackoffSeconds)
            {
                backoff = MaxBackoffSeconds;
            }

            _exits[1] = now + backoff * 1000L;
            _exits[2] = code;
            return backoff;
        }

        /// <summary>The container is being started again.</summary>
        public void Restarting()
        {
            _exits[0]++;
            _exits[1] = 0;
        }

        public const int MaxBackoffSeconds = 300;

        private string[] Why()
        {
            if (_why == null)
            {
                _why = new string[] { "", "" };
            }

            return _why;
        }
    }
}
