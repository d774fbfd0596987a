namespace Edge.Dataplane.Mgmt
{
    /// <summary>A pod the host scheduled onto this board: its sandbox (one address) and its containers, which share it.</summary>
    public sealed class PodSpec
    {
        public string Namespace = "default";
        public string Name = "";
        public string Uid = "";
        public uint Address;

        /// <summary>Its containers, at least one, in the pod spec's order.</summary>
        public ContainerSpec[] Containers = NoContainers;

        private static readonly ContainerSpec[] NoContainers = new ContainerSpec[0];

        /// <summary>The first container's image (the one a board's screen and the held strings name).</summary>
        public string Image
        {
            get { return Containers.Length > 0 ? Containers[0].Image : ""; }
        }

        /// <summary>
        /// Whether the pod runs the same containers (names, images and probes, in order) as
        /// <paramref name="other"/>: otherwise it is a new sandbox. kube-apiserver refuses such a
        /// change to a pod (a Deployment's makes new pods), and a probe changed under a running
        /// container would leave its state for another probe.
        /// </summary>
        public bool SameContainers(PodSpec other)
        {
            if (Containers.Length != other.Containers.Length)
            {
                return false;
            }

            for (int i = 0; i < Containers.Length; i++)
            {
                if (Containers[i].Name != other.Containers[i].Name || Containers[i].Image != other.Containers[i].Image)
                {
                    return false;
                }

                for (int k = 0; k < 3; k++)
                {
                    if (!ProbeSpec.Same(Containers[i].Probe(k), other.Containers[i].Probe(k)))
                    {
                        return false;
                    }
                }
            }

            return true;
        }
    }
}
