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
