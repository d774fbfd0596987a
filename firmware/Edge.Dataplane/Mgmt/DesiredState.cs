using Edge.Dataplane.Dns;
using Edge.Dataplane.Proxy;

namespace Edge.Dataplane.Mgmt
{
    /// <summary>
    /// Everything a board must have, as the host compiled it for that board at one
    /// generation: addressing, peers, its pods, the service tables (with endpoints already
    /// resolved to addresses and ports) and the DNS data. Boards never parse YAML or match
    /// labels; they apply this.
    /// </summary>
    public sealed class DesiredState
    {
        public uint Generation;

        public uint PodNetwork;
        public int PodPrefixLength = 24;
        public uint ClusterNetwork = 0x0AF40000;
        public int ClusterPrefixLength = 16;
        public uint ServiceNetwork = 0x0A600000;
        public int ServicePrefixLength = 16;
        public uint DnsAddress = 0x0A60000A;
        public string ClusterDomain = "cluster.local";
        public uint DnsUpstream;
        public int ProxyMode;
        public bool AllowEgress;

        public PeerSpec[] Peers = new PeerSpec[0];
        public PodSpec[] Pods = new PodSpec[0];
        public Service[] Services = new Service[0];
        public DnsService[] DnsServices = new DnsService[0];

        /// <summary>Every pod in the cluster (address, namespace), for a-b-c-d.ns.pod records.</summary>
        public uint[] ClusterPodAddresses = new uint[0];
        public string[] ClusterPodNamespaces = new string[0];
    }
}
