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

        /// <summary>Why the pod is not running (Kubernetes-style reason and message).</summary>
        public string Reason = "";
        public string Message = "";
    }
}
