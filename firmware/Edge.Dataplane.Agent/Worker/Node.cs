using Edge.Dataplane.Dns;
using Edge.Dataplane.Ingress;
using Edge.Dataplane.Net;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Policy;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Worker
{
    /// <summary>
    /// A worker node, assembled from the layers: the network (bridge with the gateway and the
    /// pods, the overlay to the other nodes, the routes between them), kube-proxy registered on
    /// its hooks (prerouting on the gateway, br_netfilter on the bridge), network policy on the
    /// forward hooks of both (after kube-proxy's DNAT, as a CNI filters), NodePort and egress
    /// relays, the ingress on the board's port 80 choosing endpoints from the service table, and
    /// the cluster DNS reading it too. One thread calls <see cref="Poll"/> in a loop
    /// (a board's main loop, a virtual board's thread, a simulation's step); nothing in here
    /// blocks, allocates per packet, or throws on bad input.
    /// </summary>
    public sealed class Node
    {
        private readonly PodSandbox[] _pods;
        private readonly IHostSockets _hostSockets;
        private long _lastTick;
        private long _lastSweep;

        public readonly NodeContext Context;
        public readonly Bridge Bridge;
        public readonly Overlay Overlay;
        public readonly RouteTable Routes;
        public readonly Gateway Gateway;
        public readonly ServiceProxy Proxy;

        /// <summary>The node's recent flow events (`edgectl flows`); null when its config keeps none.</summary>
        public readonly FlowLog Flows;

        /// <summary>The NetworkPolicies enforced for this node's pods; null until the first (a board without policy pays nothing for them).</summary>
        public PolicyEngine Policy;

        /// <summary>The node's host-network sandbox (the gateway's address): where NodePort connections start.</summary>
        public readonly PodSandbox Host;

        /// <summary>NodePort and LoadBalancer listeners on the board's address; null when the platform has no host sockets.</summary>
        public readonly NodePortProxy NodePorts;

        /// <summary>Pod egress through the board's TCP; null unless allowed and the platform has host sockets.</summary>
        public readonly EgressProxy Egress;

        /// <summary>The ingress controller on the board's address; null until the first Ingress route (a board without one holds nothing for it), and without host sockets.</summary>
        public IngressProxy Ingress;

        /// <summary>The node's cluster DNS: its zone (pushed by the host) and where it answers.</summary>
        public readonly DnsZone DnsZone;
        public readonly DnsResponder Dns;

        public Node(NodeConfig config, IClock clock, IRandomSource random, IDatagramPort port)
            : this(config, clock, random, port, null)
        {
        }

        public Node(NodeConfig config, IClock clock, IRandomSource random, IDatagramPort port, IHostSockets hostSockets)
        {
            Context = new NodeContext(config, clock, random);
            _hostSockets = hostSockets;
            _pods = new PodSandbox[config.MaxPods];
            Routes = new RouteTable(config.Routes);
            Bridge = new Bridge(config.MaxPods + 1, config.MacEntries, config.BridgeQueue, Context.Pool, Context.Drops);
            Overlay = new Overlay(Context, port, Routes);
            Proxy = new ServiceProxy(config.MaxServices, config.ConntrackEntries, config.AffinityEntries, config.GatewayAddress,
                config.ClusterNetwork, config.ClusterPrefixLength, config.ProxyMode, random, config.ConntrackAccounting);
            if (config.FlowEvents > 0)
            {
                Flows = new FlowLog(config.FlowEvents, clock);
                Context.Drops.Flows = Flows;
                Proxy.Flows = Flows;
            }

            Gateway = new Gateway(Context, Bridge, Overlay, Routes, Proxy);
            Bridge.Attach(Bridge.GatewayPort, Gateway);
            Bridge.Filter = Proxy;
            Host = Gateway.Host;
            if (hostSockets != null)
            {
                NodePorts = new NodePortProxy(hostSockets, Proxy, Host, Context.Drops, config.MaxSocketsPerPod);
                if (config.AllowEgress)
                {
                    Egress = new EgressProxy(hostSockets, Host, config.MaxSocketsPerPod);
                }
            }

            // The zone's own entries are headless and ExternalName services only (ClusterIP ones are
            // answered from the service table): a quarter of the service capacity, at least four.
            DnsZone = new DnsZone(config.ClusterDomain, (uint)config.DnsTtl, config.MaxServices / 4 > 4 ? config.MaxServices / 4 : 4, config.DnsPods,
                new ServicePortsForDns(Proxy.Services));
            var server = new DnsServer(DnsZone)
            {
                ServiceNetwork = config.ServiceNetwork,
                ServicePrefix = config.ServicePrefixLength,
                PodNetwork = config.ClusterNetwork,
                PodPrefix = config.ClusterPrefixLength,
            };
            DnsForwarder forwarder = hostSockets != null && config.DnsUpstream != 0
                ? new DnsForwarder(hostSockets, random, config.DnsUpstream, config.DnsPendingForwards)
                : null;
            Dns = new DnsResponder(server, Host, hostSockets, forwarder);
            Dns.Flows = Flows;
        }

        /// <summary>Enforces <paramref name="set"/> (null: no policy) from now on, the engine registered on the forward hooks with the first.</summary>
        public void EnforcePolicies(PolicySet set)
        {
            if (Policy == null)
            {
                if (set == null)
                {
                    return;
                }

                NodeConfig config = Context.Config;
                Policy = new PolicyEngine(config.PolicyConnections, config.MaxPods, config.GatewayAddress, config.VtepAddress);
                Policy.Flows = Flows;
                Gateway.ForwardHook = Policy;
                Bridge.ForwardHook = Policy;
            }

            Policy.Load(set);
        }

        /// <summary>Serves <paramref name="routes"/> (null: none) on the ingress port from now on, the controller made with the first.</summary>
        public void ServeIngress(IngressRoutes routes)
        {
            ServeIngress(routes, Ingress != null ? Ingress.Certificates : null);
        }

        /// <summary>
        /// As <see cref="ServeIngress(IngressRoutes)"/>, and HTTPS on the TLS port with
        /// <paramref name="certificates"/> where the platform's sockets terminate TLS (<see cref="ITlsListener"/>).
        /// </summary>
        public void ServeIngress(IngressRoutes routes, TlsCertificates certificates)
        {
            if (Ingress == null)
            {
                if (routes == null || routes.Count == 0 || _hostSockets == null)
                {
                    return;
                }

                NodeConfig config = Context.Config;
                var tls = _hostSockets as ITlsListener;
                Ingress = new IngressProxy(_hostSockets, Host, new IngressBackendsFromProxy(Proxy, config.GatewayAddress), Context.Drops,
                    config.IngressPort, config.IngressConnections, tls != null && tls.Sessions > 0 ? tls : null, config.IngressTlsPort);
            }

            Ingress.Load(routes, certificates);
        }

        public NodeConfig Config
        {
            get { return Context.Config; }
        }

        public DropCounters Drops
        {
            get { return Context.Drops; }
        }

        public int PodCount
        {
            get
            {
                int n = 0;
                for (int i = 0; i < _pods.Length; i++)
                {
                    n += _pods[i] != null ? 1 : 0;
                }

                return n;
            }
        }

        /// <summary>
        /// Creates a pod sandbox. <paramref name="address"/> 0 takes the lowest free address
        /// from .2; null when the node is full, the address is taken or outside the pod CIDR
        /// (counted as pod-limit).
        /// </summary>
        public PodSandbox AddPod(string ns, string name, uint address)
        {
            NodeConfig config = Context.Config;
            if (address == 0)
            {
                address = FreeAddress();
            }

            int slot = -1;
            for (int i = 0; i < _pods.Length; i++)
            {
                if (_pods[i] == null)
                {
                    if (slot < 0)
                    {
                        slot = i;
                    }
                }
                else if (_pods[i].Address == address)
                {
                    return null;
                }
            }

            if (slot < 0 || address == 0 || !Ipv4Address.InPrefix(address, config.PodNetwork, config.PodPrefixLength)
                || address == config.VtepAddress || address == config.GatewayAddress)
            {
                Context.Drops.Count(DropReason.PodLimit);
                return null;
            }

            int port = slot + 1;
            PodSandbox pod = new PodSandbox(Context, Bridge, port, ns, name, address, config.PodPrefixLength, config.GatewayAddress);
            _pods[slot] = pod;
            Bridge.Attach(port, pod);
            return pod;
        }

        // The lowest address from .2 up that no pod holds, or 0 when the CIDR is full.
        private uint FreeAddress()
        {
            NodeConfig config = Context.Config;
            uint last = config.PodNetwork | ~Ipv4Address.MaskOf(config.PodPrefixLength);
            for (uint candidate = config.GatewayAddress + 1; candidate < last; candidate++)
            {
                bool taken = false;
                for (int i = 0; i < _pods.Length; i++)
                {
                    if (_pods[i] != null && _pods[i].Address == candidate)
                    {
                        taken = true;
                        break;
                    }
                }

                if (!taken)
                {
                    return candidate;
                }
            }

            return 0;
        }

        /// <summary>Tears a pod's sandbox down: detaches it, frees its buffers, forgets its neighbours.</summary>
        public bool RemovePod(PodSandbox pod)
        {
            for (int i = 0; i < _pods.Length; i++)
            {
                if (_pods[i] == pod)
                {
                    _pods[i] = null;
                    Bridge.Detach(i + 1);
                    Gateway.Interface.Arp.Forget(pod.Address);
                    pod.Shutdown();
                    return true;
                }
            }

            return false;
        }

        public PodSandbox FindPod(string ns, string name)
        {
            for (int i = 0; i < _pods.Length; i++)
            {
                if (_pods[i] != null && _pods[i].Name == name && _pods[i].Namespace == ns)
                {
                    return _pods[i];
                }
            }

            return null;
        }

        public PodSandbox PodAt(int index)
        {
            return _pods[index];
        }

        public int PodSlots
        {
            get { return _pods.Length; }
        }

        /// <summary>Routes a peer node's pod CIDR through its VTEP at address:port (the flannel vxlan model).</summary>
        public bool AddPeer(uint podNetwork, int prefixLength, uint address, ushort port)
        {
            return Routes.Set(podNetwork, prefixLength, address, port, NodeConfig.VtepMacFor(podNetwork & Ipv4Address.MaskOf(prefixLength)));
        }

        /// <summary>
        /// Routes any network through a node's VTEP, e.g. the service CIDR through a node that
        /// proxies it (what an overlay-joined Linux host does).
        /// </summary>
        public bool AddRoute(uint network, int prefixLength, uint address, ushort port, uint viaPodNetwork)
        {
            return Routes.Set(network, prefixLength, address, port, NodeConfig.VtepMacFor(viaPodNetwork));
        }

        public bool RemovePeer(uint podNetwork, int prefixLength)
        {
            return Routes.Remove(podNetwork, prefixLength);
        }

        /// <summary>Gives back what the node holds outside itself (the board's sockets), before a rebuild.</summary>
        public void Shutdown()
        {
            for (int i = 0; i < _pods.Length; i++)
            {
                if (_pods[i] != null)
                {
                    RemovePod(_pods[i]);
                }
            }

            Dns.Close();
            if (NodePorts != null)
            {
                NodePorts.Close();
            }

            if (Egress != null)
            {
                Egress.Close();
            }

            if (Ingress != null)
            {
                Ingress.Close();
            }
        }

        /// <summary>
        /// Does one round of work: overlay input, bridge forwarding, pod and gateway timers.
        /// Returns the number of frames and DNS datagrams handled, 0 when idle (the caller may sleep).
        /// </summary>
        public int Poll()
        {
            long now = Context.Now;
            int budget = Context.Config.PollBudget;
            int work = 0;
            while (work < budget && (work > 0 || Overlay.Readable))
            {
                int route;
                PacketBuffer frame = Overlay.Receive(now, out route);
                if (frame == null)
                {
                    break;
                }

                work++;
                Gateway.FromOverlay(frame, route, now);
            }

            for (int i = 0; i < _pods.Length; i++)
            {
                if (_pods[i] != null)
                {
                    _pods[i].Poll(now);
                }
            }

            Host.Poll(now);
            if (NodePorts != null)
            {
                NodePorts.Poll(now);
            }

            if (Egress != null)
            {
                Egress.Poll(now);
            }

            if (Ingress != null)
            {
                Ingress.Poll(now);
            }

            work += Dns.Poll(now); // answers are work: a board answering DNS does not sleep between turns
            if (now - _lastTick >= NodeContext.TickMs || now < _lastTick || Context.FramesWaitingForArp > 0)
            {
                _lastTick = now;
                Tick(now);
            }

            work += Bridge.Forward(now, budget);
            return work;
        }

        // The node's timers: every TickMs, not every turn (see NodeContext.TickMs).
        private void Tick(long now)
        {
            bool sweep = now - _lastSweep >= NodeContext.SweepMs || now < _lastSweep;
            if (sweep)
            {
                _lastSweep = now;
                Gateway.Interface.Arp.Expire(now);
            }

            for (int i = 0; i < _pods.Length; i++)
            {
                PodSandbox pod = _pods[i];
                if (pod != null)
                {
                    pod.Interface.Poll(now);
                    if (sweep)
                    {
                        pod.Interface.Arp.Expire(now);
                    }
                }
            }

            Gateway.Poll(now);
            Proxy.Poll(now);
        }
    }
}
