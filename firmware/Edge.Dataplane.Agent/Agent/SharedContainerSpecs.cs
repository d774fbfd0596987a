using Edge.Dataplane.Mgmt;

namespace Edge.Dataplane.Agent
{
    /// <summary>
    /// One copy of equal container specs across the board's pods. A Deployment's replicas differ
    /// in name, UID and address only: their containers (name, image, args, environment, probes)
    /// are equal, and on nanoFramework each copy costs a board its spec, its probe array and its
    /// probes (about 200 bytes for a whoami with a readiness probe). Specs are never written once
    /// decoded, so pods can hold the same ones, as the decoder's services hold equal port arrays.
    /// </summary>
    internal static class SharedContainerSpecs
    {
        /// <summary>
        /// Points <paramref name="spec"/> at the containers of the first <paramref name="count"/>
        /// <paramref name="pods"/> that equal its own: their whole list when every container is
        /// equal, else each equal container.
        /// </summary>
        public static void Share(PodSpec spec, RunningPod[] pods, int count)
        {
            for (int p = 0; p < count; p++)
            {
                ContainerSpec[] theirs = pods[p].Spec.Containers;
                if (theirs == spec.Containers)
                {
                    return;
                }

                if (SameList(theirs, spec.Containers))
                {
                    spec.Containers = theirs;
                    return;
                }
            }

            ContainerSpec[] mine = spec.Containers;
            for (int c = 0; c < mine.Length; c++)
            {
                for (int p = 0; p < count; p++)
                {
                    ContainerSpec equal = Find(pods[p].Spec.Containers, mine[c]);
                    if (equal != null)
                    {
                        mine[c] = equal;
                        break;
                    }
                }
            }
        }

        private static bool SameList(ContainerSpec[] a, ContainerSpec[] b)
        {
            if (a.Length != b.Length)
            {
                return false;
            }

            for (int i = 0; i < a.Length; i++)
            {
                if (a[i] != b[i] && !ContainerSpec.Same(a[i], b[i]))
                {
                    return false;
                }
            }

            return true;
        }

        private static ContainerSpec Find(ContainerSpec[] list, ContainerSpec wanted)
        {
            for (int i = 0; i < list.Length; i++)
            {
                if (list[i] == wanted || ContainerSpec.Same(list[i], wanted))
                {
                    return list[i];
                }
            }

            return null;
        }
    }
}
