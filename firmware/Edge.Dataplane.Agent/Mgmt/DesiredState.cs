using Edge.Dataplane.Dns;
using Edge.Dataplane.Ingress;
using Edge.Dataplane.Policy;
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

        private static readonly PeerSpec[] NoPeers = new PeerSpec[0];
        private static readonly PodSpec[] NoPods = new PodSpec[0];
        private static readonly Service[] NoServices = new Service[0];
        private static readonly DnsService[] NoDnsServices = new DnsService[0];

        public PeerSpec[] Peers = NoPeers;
        public PodSpec[] Pods = NoPods;
        public Service[] Services = NoServices;
        public DnsService[] DnsServices = NoDnsServices;

        /// <summary>Every pod in the cluster (address, namespace), for a-b-c-d.ns.pod records.</summary>
        public uint[] ClusterPodAddresses = Empty.UInts;
        public string[] ClusterPodNamespaces = Empty.Strings;

        /// <summary>The NetworkPolicies selecting this board's pods, resolved to addresses and port numbers; null for none.</summary>
        public PolicySet Policies;

        /// <summary>The HTTP routes of every Ingress Edge serves (every board serves them all); null for none.</summary>
        public IngressRoutes Ingress;

        /// <summary>The certificates this board terminates the Ingresses' TLS with (only a board that takes TLS sessions gets any); null for none.</summary>
        public TlsCertificates Tls;
    }
}
