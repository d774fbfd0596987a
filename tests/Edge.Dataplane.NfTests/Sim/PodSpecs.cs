#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.Mgmt;

namespace Edge.Dataplane.NfTests.Sim
{
    /// <summary>Pods and a one-pod state as the host would send them, for the agent's tests.</summary>
    public static class PodSpecs
    {
        public static DesiredState StateWith(PodSpec pod)
        {
            var state = new DesiredState { Generation = 1, PodNetwork = TestCluster.PodNetwork(1) };
            state.Pods = new PodSpec[] { pod };
            state.ClusterPodAddresses = new uint[] { pod.Address };
            state.ClusterPodNamespaces = new string[] { "default" };
            return state;
        }

        public static ContainerSpec Container(string name, string image, string[] args)
        {
            var c = new ContainerSpec();
            c.Name = name;
            c.Image = image;
            c.Args = args ?? Empty.Strings;
            return c;
        }

        public static PodSpec Pod(ContainerSpec[] containers)
        {
            return new PodSpec { Name = "web", Uid = "0a1b2c3d", Address = TestCluster.PodNetwork(1) + 5, Containers = containers };
        }
    }
}
