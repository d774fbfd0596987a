using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Net;

namespace Edge.Dataplane.Agent
{
    /// <summary>A pod the agent runs: its spec, its sandbox, its containers, and the phase reported to the host.</summary>
    public sealed class RunningPod
    {
        public PodSpec Spec;
        public PodSandbox Sandbox;
        public int Phase;

        /// <summary>Its containers, in the spec's order; empty when its sandbox could not be made.</summary>
        public RunningContainer[] Containers = NoContainers;

        private static readonly RunningContainer[] NoContainers = new RunningContainer[0];

        // Why the sandbox could not be made, when it could not: null otherwise.
        private string[] _why;

        /// <summary>
        /// Why the pod is not running as it should (Kubernetes-style reason): the sandbox's failure,
        /// else the first container's that does not run; "" when all run.
        /// </summary>
        public string Reason
        {
            get
            {
                if (_why != null)
                {
                    return _why[0];
                }

                RunningContainer c = FirstTroubled();
                return c == null ? "" : c.Reason;
            }
        }

        /// <summary>The human-readable message beside <see cref="Reason"/>; "" when all run.</summary>
        public string Message
        {
            get
            {
                if (_why != null)
                {
                    return _why[1];
                }

                RunningContainer c = FirstTroubled();
                return c == null ? "" : c.Message;
            }
        }

        /// <summary>Whether every container runs and is ready (the pod's Ready condition).</summary>
        public bool Ready
        {
            get
            {
                for (int i = 0; i < Containers.Length; i++)
                {
                    if (!Containers[i].Ready)
                    {
                        return false;
                    }
                }

                return Containers.Length > 0;
            }
        }

        /// <summary>The pod's sandbox could not be made: the pod failed, for <paramref name="reason"/>.</summary>
        public void SandboxFailed(string reason, string message)
        {
            Phase = PodPhase.Failed;
            _why = new string[] { reason, message };
        }

        /// <summary>The container named <paramref name="name"/>; the first when the name is null or empty (kubectl's default); null when none has it.</summary>
        public RunningContainer Container(string name)
        {
            if (Containers.Length == 0)
            {
                return null;
            }

            if (name == null || name.Length == 0)
            {
                return Containers[0];
            }

            for (int i = 0; i < Containers.Length; i++)
            {
                if (Containers[i].Name == name)
                {
                    return Containers[i];
                }
            }

            return null;
        }

        /// <summary>The names of its containers, "a, b" (for a message naming what is there).</summary>
        public string ContainerNames()
        {
            string names = "";
            for (int i = 0; i < Containers.Length; i++)
            {
                names += (i == 0 ? "" : ", ") + Containers[i].Name;
            }

            return names;
        }

        private RunningContainer FirstTroubled()
        {
            for (int i = 0; i < Containers.Length; i++)
            {
                if (!Containers[i].Running)
                {
                    return Containers[i];
                }
            }

            return null;
        }
    }
}
