using Edge.Dataplane.Dns;
using Edge.Dataplane.Ingress;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Net;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Policy;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Worker;
using Edge.Dataplane.Workloads;

namespace Edge.Dataplane.Agent
{
    /// <summary>
    /// The board's kubelet and kube-proxy in one: applies a <see cref="DesiredState"/> from the
    /// host to the node (peers, pods and their workloads, service and DNS tables) by difference,
    /// so pods that stay keep running through a resync, and remembers the generation applied.
    /// A new pod CIDR or node-level setting rebuilds the node; a pod whose image is not built in
    /// fails with a reason that lists the images.
    /// </summary>
    public sealed class NodeAgent : IStateSink
    {
        private readonly NodeConfig _identity;
        private readonly IClock _clock;
        private readonly IRandomSource _random;
        private readonly IDatagramPort _port;
        private readonly IHostSockets _hostSockets;
        private RunningPod[] _pods = new RunningPod[0];
        private Prober _prober; // made when a pod with probes first comes (a WROOM board takes none)
        private Kubepods _kubepods;

        public Node Node;
        public uint AppliedGeneration;

        /// <summary>A container's readiness or state changed outside an applied state (a probe, a restart): the session reports at once.</summary>
        public bool StatusChanged;

        /// <summary>The board's prober (its counters, for tests and views).</summary>
        public Prober Prober
        {
            get
            {
                if (_prober == null)
                {
                    _prober = new Prober();
                }

                return _prober;
            }
        }

        /// <summary>
        /// What the board's pods share: their programs' memory against what the board lets them
        /// hold, the cpu's shares. Made when a program first takes from it (most boards run none).
        /// </summary>
        public Kubepods Kubepods
        {
            get
            {
                if (_kubepods == null)
                {
                    _kubepods = new Kubepods();
                    _kubepods.MemoryMax = PodsMemoryMax();
                }

                return _kubepods;
            }
        }

        /// <summary>The state last applied in full, the base a Delta builds on (null after a reboot).</summary>
        public DesiredState AppliedState;

        public NodeAgent(NodeConfig identity, IClock clock, IRandomSource random, IDatagramPort port, IHostSockets hostSockets)
        {
            _identity = identity;
            _clock = clock;
            _random = random;
            _port = port;
            _hostSockets = hostSockets;
        }

        public RunningPod[] Pods
        {
            get { return _pods; }
        }

        /// <summary>Applies the state; returns null, or what could not be applied (the generation is then not acknowledged).</summary>
        public string Apply(DesiredState s)
        {
            if (!DnsZone.CanServe(s.ClusterDomain))
            {
                return "the cluster domain \"" + s.ClusterDomain + "\" is not a DNS name the board can serve";
            }

            if (Node == null || NodeSettingsChanged(s))
            {
                Rebuild(s);
            }

            string problem = ApplyPeers(s);
            ApplyPods(s);
            ApplyServices(s);
            ApplyDns(s);
            string policyProblem = ApplyPolicies(s);
            if (problem == null)
            {
                problem = policyProblem;
            }

            string ingressProblem = ApplyIngress(s);
            if (problem == null)
            {
                problem = ingressProblem;
            }

            if (problem == null)
            {
                AppliedGeneration = s.Generation;
                AppliedState = s;
            }

            return problem;
        }

        /// <summary>One turn of the board loop: network, then workloads.</summary>
        public int Poll()
        {
            if (Node == null)
            {
                return 0;
            }

            int work = Node.Poll();
            long now = _clock.Milliseconds;
            for (int i = 0; i < _pods.Length; i++)
            {
                RunningPod pod = _pods[i];
                for (int c = 0; c < pod.Containers.Length; c++)
                {
                    RunningContainer container = pod.Containers[c];
                    if (container.Workload != null)
                    {
                        container.Workload.Poll(now);
                        if (container.Workload.Exit >= 0)
                        {
                            int exit = container.Workload.Exit;
                            Crashed(container, exit, exit == StressWorkload.OomKilledExit, now);
                            StatusChanged = true;
                            work++;
                        }
                    }
                    else if (container.BackingOff && now >= container.RestartAt)
                    {
                        container.Restarting();
                        StartContainer(pod, container, now);
                        work++;
                    }
                }
            }

            if (_kubepods != null)
            {
                _kubepods.TurnEnded();
            }

            return work + (_prober != null ? _prober.Poll(this, now) : 0);
        }

        public RunningPod FindPod(string ns, string name)
        {
            for (int i = 0; i < _pods.Length; i++)
            {
                if (_pods[i].Spec.Name == name && _pods[i].Spec.Namespace == ns)
                {
                    return _pods[i];
                }
            }

            return null;
        }

        private bool NodeSettingsChanged(DesiredState s)
        {
            NodeConfig c = Node.Config;
            return c.PodNetwork != s.PodNetwork || c.PodPrefixLength != s.PodPrefixLength || c.ClusterNetwork != s.ClusterNetwork
                || c.ClusterPrefixLength != s.ClusterPrefixLength || c.ServiceNetwork != s.ServiceNetwork || c.ServicePrefixLength != s.ServicePrefixLength
                || c.DnsAddress != s.DnsAddress || c.ClusterDomain != s.ClusterDomain || c.DnsUpstream != s.DnsUpstream
                || c.ProxyMode != s.ProxyMode || c.AllowEgress != s.AllowEgress;
        }

        private void Rebuild(DesiredState s)
        {
            for (int i = 0; i < _pods.Length; i++)
            {
                StopContainers(_pods[i]);
            }

            _pods = new RunningPod[0];
            if (_prober != null)
            {
                _prober.Forget();
            }
            if (Node != null)
            {
                Node.Shutdown();
            }

            // The identity itself takes the cluster's settings: the old node is gone, and a second
            // copy of forty settings is half a kilobyte on a small board.
            NodeConfig c = _identity;
            c.PodNetwork = s.PodNetwork;
            c.PodPrefixLength = s.PodPrefixLength;
            c.ClusterNetwork = s.ClusterNetwork;
            c.ClusterPrefixLength = s.ClusterPrefixLength;
            c.ServiceNetwork = s.ServiceNetwork;
            c.ServicePrefixLength = s.ServicePrefixLength;
            c.DnsAddress = s.DnsAddress;
            c.ClusterDomain = s.ClusterDomain;
            c.DnsUpstream = s.DnsUpstream;
            c.ProxyMode = s.ProxyMode;
            c.AllowEgress = s.AllowEgress;
            Node = new Node(c, _clock, _random, _port, _hostSockets);
        }

        private string ApplyPeers(DesiredState s)
        {
            RouteTable routes = Node.Routes;
            for (int r = routes.Count - 1; r >= 0; r--)
            {
                bool wanted = false;
                for (int i = 0; i < s.Peers.Length; i++)
                {
                    wanted |= s.Peers[i].PodNetwork == routes.Network(r) && s.Peers[i].PrefixLength == routes.Prefix(r);
                }

                if (!wanted)
                {
                    routes.Remove(routes.Network(r), routes.Prefix(r));
                }
            }

            for (int i = 0; i < s.Peers.Length; i++)
            {
                PeerSpec p = s.Peers[i];
                if (!Node.AddPeer(p.PodNetwork, p.PrefixLength, p.Address, p.Port))
                {
                    return "route table full: " + routes.Capacity.ToString() + " peers at most";
                }
            }

            return null;
        }

        // A set over this board's limits is refused whole, naming the limit; the policies enforced
        // until now stay (a partial set would let through, or cut, what nobody asked for).
        private string ApplyPolicies(DesiredState s)
        {
            PolicySet set = s.Policies;
            PolicySet enforced = Node.Policy != null ? Node.Policy.Set : null;
            if (set == enforced)
            {
                return null;
            }

            NodeConfig c = Node.Config;
            string over = set == null ? null : Over("network policies", set.PolicyCount, c.MaxPolicies)
                ?? Over("network policy rules", set.RuleCount, c.MaxPolicyRules)
                ?? Over("network policy addresses", set.AddressCount, c.MaxPolicyAddresses)
                ?? Over("network policy ports", set.PortCount, c.MaxPolicyPorts);
            if (over != null)
            {
                s.Policies = enforced;
                return over;
            }

            Node.EnforcePolicies(set);
            return null;
        }

        // Routes over this board's limit are refused whole, naming the limit; the routes served
        // until now stay.
        private string ApplyIngress(DesiredState s)
        {
            IngressRoutes routes = s.Ingress;
            IngressRoutes served = Node.Ingress != null ? Node.Ingress.Routes : null;
            if (routes == served && s.Tls == (Node.Ingress != null ? Node.Ingress.Certificates : null))
            {
                return null;
            }

            int limit = Node.Config.MaxIngressRoutes;
            if (routes != null && routes.Count > limit)
            {
                s.Ingress = served;
                return "this board serves at most " + limit.ToString() + " ingress routes; the cluster's Ingresses have " + routes.Count.ToString();
            }

            Node.ServeIngress(routes, s.Tls);
            return null;
        }

        private static string Over(string what, int needed, int limit)
        {
            return needed <= limit ? null
                : "this board enforces at most " + limit.ToString() + " " + what + "; its pods need " + needed.ToString();
        }

        private void ApplyPods(DesiredState s)
        {
            // Stop and remove pods no longer wanted (or replaced: same name, new UID or address).
            int kept = 0;
            RunningPod[] next = new RunningPod[s.Pods.Length];
            for (int i = 0; i < _pods.Length; i++)
            {
                RunningPod running = _pods[i];
                PodSpec wanted = FindSpec(s, running.Spec);
                if (wanted != null && SamePod(wanted, running.Spec))
                {
                    continue;
                }

                StopContainers(running);
                if (_prober != null)
                {
                    _prober.Forget(running);
                }

                if (running.Sandbox != null)
                {
                    Node.RemovePod(running.Sandbox);
                }
            }

            // What the pods that stay hold of the board's containers and probes, before any new
            // pod is admitted (whatever their order in the state).
            int containers = 0, probes = 0;
            for (int i = 0; i < _pods.Length; i++)
            {
                PodSpec wanted = FindSpec(s, _pods[i].Spec);
                if (wanted != null && SamePod(wanted, _pods[i].Spec) && _pods[i].Sandbox != null)
                {
                    containers += _pods[i].Containers.Length;
                    probes += Probes(_pods[i].Spec);
                }
            }

            for (int i = 0; i < s.Pods.Length; i++)
            {
                PodSpec spec = s.Pods[i];
                SharedContainerSpecs.Share(spec, next, kept);
                RunningPod existing = FindPod(spec.Namespace, spec.Name);
                if (existing != null && SamePod(spec, existing.Spec))
                {
                    // One copy of an unchanged spec, the one the applied state holds. New args or
                    // environment (a ConfigMap changed) wait for the container's next start, as
                    // the kubelet makes them only when it starts one. A rejected pod has none.
                    existing.Spec = spec;
                    for (int c = 0; c < existing.Containers.Length; c++)
                    {
                        existing.Containers[c].Spec = spec.Containers[c];
                    }

                    next[kept++] = existing;
                    continue;
                }

                RunningPod admitted = Admit(spec, containers, probes);
                if (admitted == null)
                {
                    admitted = Start(spec);
                    containers += admitted.Containers.Length;
                    probes += admitted.Sandbox != null ? Probes(spec) : 0;
                }

                next[kept++] = admitted;
            }

            _pods = next;
            if (probes > 0 && _prober == null)
            {
                _prober = new Prober();
            }

            if (_kubepods != null)
            {
                _kubepods.MemoryMax = PodsMemoryMax();
            }
        }

        // The pods' programs may hold what the board offers pods beside the pods themselves: each
        // its sandbox and first container, its other containers and its probes.
        private int PodsMemoryMax()
        {
            NodeConfig c = Node.Config;
            int left = c.PodMemory;
            for (int i = 0; i < _pods.Length; i++)
            {
                if (_pods[i].Sandbox != null)
                {
                    left -= c.PodBytes + (_pods[i].Containers.Length - 1) * c.ContainerBytes + Probes(_pods[i].Spec) * c.ProbeBytes;
                }
            }

            return left > 0 ? left : 0;
        }

        // The same pod: same incarnation and address, the same containers of the same images.
        // Anything else is a new sandbox.
        private static bool SamePod(PodSpec a, PodSpec b)
        {
            return a.Uid == b.Uid && a.Address == b.Address && a.SameContainers(b);
        }

        // The kubelet's admission: a pod whose containers or probes the board has no room for
        // (beyond what its memory class holds, across the pods it keeps) is rejected, as a
        // kubelet rejects one a node lacks a resource for. Null when it fits.
        private RunningPod Admit(PodSpec spec, int containers, int probes)
        {
            NodeConfig c = Node.Config;
            string over = Short("edge.dev/containers", spec.Containers.Length, containers, c.MaxContainers)
                ?? Short("edge.dev/probes", Probes(spec), probes, c.MaxProbes);
            if (over == null)
            {
                return null;
            }

            var pod = new RunningPod();
            pod.Spec = spec;
            pod.SandboxFailed("OutOf" + over.Substring(0, over.IndexOf(',')), "Pod was rejected: Node didn't have enough resource: " + over);
            return pod;
        }

        private static string Short(string resource, int requested, int used, int capacity)
        {
            return requested == 0 || used + requested <= capacity ? null
                : resource + ", requested: " + requested.ToString() + ", used: " + used.ToString() + ", capacity: " + capacity.ToString();
        }

        private static int Probes(PodSpec spec)
        {
            int n = 0;
            for (int c = 0; c < spec.Containers.Length; c++)
            {
                for (int k = 0; k < 3; k++)
                {
                    n += spec.Containers[c].Probe(k) != null ? 1 : 0;
                }
            }

            return n;
        }

        private RunningPod Start(PodSpec spec)
        {
            var pod = new RunningPod();
            pod.Spec = spec;
            pod.Sandbox = Node.AddPod(spec.Namespace, spec.Name, spec.Address);
            if (pod.Sandbox == null)
            {
                pod.SandboxFailed("SandboxFailed", "no room on " + Node.Config.Name + " for " + Ipv4Address.Format(spec.Address) + " (" + Node.Config.MaxPods.ToString() + " pods at most)");
                return pod;
            }

            pod.Phase = PodPhase.Running;
            pod.Containers = new RunningContainer[spec.Containers.Length];
            long now = _clock.Milliseconds;
            for (int c = 0; c < spec.Containers.Length; c++)
            {
                var container = new RunningContainer();
                container.Spec = spec.Containers[c];
                container.Log = c == 0 ? pod.Sandbox.Log : new PodLog(Node.Context.Log); // the first container writes where a one-container pod always did
                pod.Containers[c] = container;
                StartContainer(pod, container, now);
            }

            return pod;
        }

        // The container's program in the pod's sandbox, with its args and environment. One that
        // ends at once (a command line its image does not take, a port a sibling holds) writes
        // why to its log, as its stderr would, and is started again after the kubelet's back-off:
        // CrashLoopBackOff. An image the firmware does not have fails the pod.
        private void StartContainer(RunningPod pod, RunningContainer container, long now)
        {
            ContainerSpec spec = container.Spec;
            ImageFlags refused;
            container.Workload = WorkloadCatalog.Create(spec, pod.Sandbox, container.Log, Node.Config.Name, WorkloadCatalog.TakesFromKubepods(spec.Image) ? Kubepods : null, out refused);
            if (container.Workload != null)
            {
                container.Reason = "";
                container.Message = "";
                container.Began(now);
                return;
            }

            if (refused == null)
            {
                pod.Phase = PodPhase.Failed;
                container.Reason = "ErrImageNeverPull";
                container.Message = WorkloadCatalog.UnknownImageMessage(spec.Image);
                return;
            }

            LogLines(container.Log, refused.Error);
            Crashed(container, refused.Exit, false, now);
        }

        /// <summary>
        /// A container's program ended with <paramref name="exitCode"/> (it exited, or was killed:
        /// a liveness failure, its memory limit): it starts again after the back-off. The pod
        /// stays Running, as the kubelet reports a pod whose container restarts (restartPolicy Always).
        /// </summary>
        public void Crashed(RunningContainer container, int exitCode, bool oomKilled, long now)
        {
            if (container.Workload != null)
            {
                container.Workload.Stop();
            }

            int backoff = container.Exited(exitCode, oomKilled, now);
            container.Reason = backoff == 0 ? (oomKilled ? "OOMKilled" : exitCode == 0 ? "Completed" : "Error") : "CrashLoopBackOff"; // the first exit restarts at once
            container.Message = backoff == 0 ? "" : "back-off " + backoff.ToString() + "s";
        }

        private static void StopContainers(RunningPod pod)
        {
            for (int c = 0; c < pod.Containers.Length; c++)
            {
                if (pod.Containers[c].Workload != null)
                {
                    pod.Containers[c].Workload.Stop();
                }
            }
        }

        private static void LogLines(PodLog log, string text)
        {
            int start = 0;
            while (start < text.Length)
            {
                int end = text.IndexOf('\n', start);
                if (end < 0)
                {
                    end = text.Length;
                }

                log.Line(text.Substring(start, end - start));
                start = end + 1;
            }
        }

        private static PodSpec FindSpec(DesiredState s, PodSpec running)
        {
            for (int i = 0; i < s.Pods.Length; i++)
            {
                if (s.Pods[i].Name == running.Name && s.Pods[i].Namespace == running.Namespace)
                {
                    return s.Pods[i];
                }
            }

            return null;
        }

        /// <summary>
        /// A service as it is decoded: into the table at once, and in place of its predecessor in
        /// the applied state, so the one it replaces is let go before the next arrives. Before the
        /// first state (no node yet) it waits for <see cref="Apply"/>.
        /// </summary>
        public void ServiceArrived(Service service)
        {
            if (Node == null)
            {
                return;
            }

            Node.Proxy.SetService(service);
            Service[] held = AppliedState != null ? AppliedState.Services : null;
            for (int i = 0; held != null && i < held.Length; i++)
            {
                if (held[i].Name == service.Name && held[i].Namespace == service.Namespace && held[i].PortName == service.PortName)
                {
                    held[i] = service;
                }
            }
        }

        public void DnsServiceArrived(DnsService service)
        {
            if (Node == null)
            {
                return;
            }

            Node.DnsZone.SetService(service);
            DnsService[] held = AppliedState != null ? AppliedState.DnsServices : null;
            for (int i = 0; held != null && i < held.Length; i++)
            {
                if (held[i].Name == service.Name && held[i].Namespace == service.Namespace)
                {
                    held[i] = service;
                }
            }
        }

        private void ApplyServices(DesiredState s)
        {
            ServiceTable table = Node.Proxy.Services;
            for (int slot = 0; slot < table.Capacity; slot++)
            {
                Service current = table.At(slot);
                if (current != null && !Wanted(s, current))
                {
                    Node.Proxy.RemoveService(current.Namespace, current.Name, current.PortName);
                }
            }

            for (int i = 0; i < s.Services.Length; i++)
            {
                Node.Proxy.SetService(s.Services[i]);
            }
        }

        private static bool Wanted(DesiredState s, Service current)
        {
            for (int i = 0; i < s.Services.Length; i++)
            {
                Service v = s.Services[i];
                if (v.Name == current.Name && v.Namespace == current.Namespace && v.PortName == current.PortName)
                {
                    return true;
                }
            }

            return false;
        }

        private void ApplyDns(DesiredState s)
        {
            DnsZone zone = Node.DnsZone;
            for (int i = 0; i < s.DnsServices.Length; i++)
            {
                zone.SetService(s.DnsServices[i]);
            }

            zone.RemoveServicesExcept(s.DnsServices);
            zone.SetPods(s.ClusterPodAddresses, s.ClusterPodNamespaces);
        }
    }
}
