using System.Text.Json.Nodes;
using Edge.Dataplane.Dns;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Wire;
using Edge.Host.Allocation;
using Edge.Host.Objects;
using DataplaneService = Edge.Dataplane.Proxy.Service;

namespace Edge.Host.Compile;

/// <summary>
/// Turns the cluster's objects into what one board runs: its pods, its peers (every other
/// node with its pod CIDR and board address), one flat service entry per service port with
/// its endpoints resolved to addresses, ports and flags, and the DNS zone's records. The
/// board does no lookups of its own: names, selectors and named ports are all resolved here,
/// NetworkPolicies' too (<see cref="NetworkPolicyCompiler"/>), and every board gets the
/// routes of every Ingress Edge serves (<see cref="IngressRouteCompiler"/>); a board that takes
/// TLS sessions gets their certificates as well (<see cref="IngressTlsCompiler"/>).
/// </summary>
public static class BoardStateCompiler
{
    public static DesiredState Compile(string nodeName, IReadOnlyList<KubeObject> nodes, IReadOnlyList<KubeObject> pods,
        IReadOnlyList<KubeObject> services, IReadOnlyList<KubeObject> endpoints, ClusterNetwork network, uint generation,
        IReadOnlyList<KubeObject>? overlayPeers = null, IReadOnlyList<KubeObject>? namespaces = null,
        IReadOnlyList<KubeObject>? networkPolicies = null, IReadOnlyList<KubeObject>? ingresses = null,
        IReadOnlyList<KubeObject>? ingressClasses = null, IReadOnlyList<KubeObject>? secrets = null, IReadOnlyList<KubeObject>? configMaps = null)
    {
        KubeObject node = nodes.FirstOrDefault(n => n.Name == nodeName)
            ?? throw new ArgumentException($"node {nodeName} is not in the cluster", nameof(nodeName));
        if (!Ipv4Address.TryParseCidr((string?)node.Spec?["podCIDR"] ?? "", out uint podNetwork, out int podPrefix))
        {
            throw new ArgumentException($"node {nodeName} has no spec.podCIDR yet", nameof(nodeName));
        }

        var state = new DesiredState
        {
            Generation = generation,
            PodNetwork = podNetwork,
            PodPrefixLength = podPrefix,
            ClusterNetwork = network.PodNetwork,
            ClusterPrefixLength = network.PodPrefix,
            ServiceNetwork = network.ServiceNetwork,
            ServicePrefixLength = network.ServicePrefix,
            DnsAddress = network.DnsServiceIp,
        };

        var peers = new List<PeerSpec>();
        foreach (KubeObject n in nodes.Where(n => n.Name != nodeName && BoardAddress(n) != 0).OrderBy(n => n.Name, StringComparer.Ordinal))
        {
            if (Ipv4Address.TryParseCidr((string?)n.Spec?["podCIDR"] ?? "", out uint net, out int prefix))
            {
                peers.Add(new PeerSpec { Name = n.Name, PodNetwork = net, PrefixLength = prefix, Address = BoardAddress(n), Port = VxlanPort(n) });
            }
        }

        // Hosts joined with `edgectl overlay join`: VXLAN peers like a node, with an overlay range
        // outside the cluster CIDR (so what they send to a service is masqueraded, as kube-proxy does
        // for off-cluster clients).
        foreach (KubeObject peer in (overlayPeers ?? []).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            if (Ipv4Address.TryParseCidr((string?)peer.Spec?["podCIDR"] ?? "", out uint net, out int prefix)
                && Ipv4Address.TryParse((string?)peer.Spec?["address"] ?? "", out uint address))
            {
                peers.Add(new PeerSpec { Name = peer.Name, PodNetwork = net, PrefixLength = prefix, Address = address, Port = (ushort)(JsonNumbers.AsInt(peer.Spec?["vxlanPort"]) ?? 4789) });
            }
        }

        state.Peers = peers.ToArray();

        List<KubeObject> placed = pods.Where(p => PodAddress(p) != 0 && (string?)p.Json["status"]?["phase"] is not ("Succeeded" or "Failed")).ToList();
        state.Pods = placed.Where(p => (string?)p.Spec?["nodeName"] == nodeName && !Controllers.ContainerConfig.Blocked(p))
            .OrderBy(p => p.Namespace).ThenBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => Pod(p, new ContainerEnvironment.Sources(configMaps ?? [], secrets ?? [], services, node))).ToArray();
        state.ClusterPodAddresses = placed.Select(PodAddress).ToArray();
        state.ClusterPodNamespaces = placed.Select(p => p.Namespace).ToArray();
        state.Policies = NetworkPolicyCompiler.Compile(nodeName, placed, namespaces ?? [], networkPolicies ?? [], network.DnsServiceIp);

        var dataplaneServices = new List<DataplaneService>();
        var dnsServices = new List<DnsService>();
        foreach (KubeObject service in services.OrderBy(s => s.Namespace).ThenBy(s => s.Name, StringComparer.Ordinal))
        {
            KubeObject? ep = endpoints.FirstOrDefault(e => e.Namespace == service.Namespace && e.Name == service.Name);
            dataplaneServices.AddRange(CompileService(service, ep, nodeName));

            // A ClusterIP service is answered from the board's service table; only headless and
            // ExternalName services need DNS entries of their own.
            DnsService dns = CompileDns(service, ep);
            if (dns.ClusterIp == 0 || dns.ExternalName != null)
            {
                dnsServices.Add(dns);
            }
        }

        state.Services = dataplaneServices.ToArray();
        state.DnsServices = dnsServices.ToArray();
        state.Ingress = IngressRouteCompiler.Compile(ingresses ?? [], ingressClasses ?? [], services);
        state.Tls = IngressTlsCompiler.Compile(node, ingresses ?? [], ingressClasses ?? [], secrets ?? []);
        return state;
    }

    /// <summary>One dataplane entry per service port: kube-proxy's rules are per port too.</summary>
    private static IEnumerable<DataplaneService> CompileService(KubeObject service, KubeObject? endpoints, string nodeName)
    {
        JsonObject spec = service.Spec ?? [];
        string type = (string?)spec["type"] ?? "ClusterIP";
        if (type == "ExternalName" || !Ipv4Address.TryParse((string?)spec["clusterIP"] ?? "", out uint clusterIp))
        {
            yield break; // ExternalName and headless services are DNS only
        }

        foreach (JsonNode? port in spec["ports"] as JsonArray ?? [])
        {
            string portName = (string?)port?["name"] ?? "";
            byte protocol = (string?)port?["protocol"] == "UDP" ? IpProtocol.Udp : IpProtocol.Tcp;
            var addresses = new List<uint>();
            var ports = new List<ushort>();
            var flags = new List<byte>();
            foreach (var (address, endpointPort, flag, _) in Endpoints(endpoints, portName, nodeName))
            {
                addresses.Add(address);
                ports.Add(endpointPort);
                flags.Add(flag);
            }

            yield return new DataplaneService
            {
                Namespace = service.Namespace,
                Name = service.Name,
                PortName = portName,
                Type = type switch { "NodePort" => ServiceType.NodePort, "LoadBalancer" => ServiceType.LoadBalancer, _ => ServiceType.ClusterIP },
                ClusterIp = clusterIp,
                Port = (ushort)(JsonNumbers.AsInt(port?["port"]) ?? 0),
                Protocol = protocol,
                NodePort = (ushort)(JsonNumbers.AsInt(port?["nodePort"]) ?? 0),
                ClientIpAffinity = (string?)spec["sessionAffinity"] == "ClientIP",
                AffinityTimeoutSeconds = JsonNumbers.AsInt(spec["sessionAffinityConfig"]?["clientIP"]?["timeoutSeconds"]) ?? 10800,
                InternalTrafficLocal = (string?)spec["internalTrafficPolicy"] == "Local",
                ExternalTrafficLocal = (string?)spec["externalTrafficPolicy"] == "Local",
                EndpointAddresses = addresses.ToArray(),
                EndpointPorts = ports.ToArray(),
                EndpointFlagBits = flags.ToArray(),
            };
        }
    }

    private static IEnumerable<(uint Address, ushort Port, byte Flags, string Name)> Endpoints(KubeObject? endpoints, string portName, string nodeName)
    {
        foreach (JsonNode? subset in endpoints?.Json["subsets"] as JsonArray ?? [])
        {
            JsonNode? port = (subset?["ports"] as JsonArray)?.FirstOrDefault(p => ((string?)p?["name"] ?? "") == portName);
            if (JsonNumbers.AsInt(port?["port"]) is not int number)
            {
                continue;
            }

            foreach (var (list, ready) in new[] { ("addresses", true), ("notReadyAddresses", false) })
            {
                foreach (JsonNode? address in subset?[list] as JsonArray ?? [])
                {
                    if (!Ipv4Address.TryParse((string?)address?["ip"] ?? "", out uint ip))
                    {
                        continue;
                    }

                    byte flags = ready ? (byte)(EndpointFlags.Ready | EndpointFlags.Serving) : (byte)0;
                    if ((string?)address?["nodeName"] == nodeName)
                    {
                        flags |= EndpointFlags.Local;
                    }

                    yield return (ip, (ushort)number, flags, (string?)address?["targetRef"]?["name"] ?? "");
                }
            }
        }
    }

    private static DnsService CompileDns(KubeObject service, KubeObject? endpoints)
    {
        JsonObject spec = service.Spec ?? [];
        var dns = new DnsService { Namespace = service.Namespace, Name = service.Name };
        if ((string?)spec["type"] == "ExternalName")
        {
            dns.ExternalName = (string?)spec["externalName"];
            return dns;
        }

        if (Ipv4Address.TryParse((string?)spec["clusterIP"] ?? "", out uint clusterIp))
        {
            dns.ClusterIp = clusterIp;
        }

        JsonArray ports = spec["ports"] as JsonArray ?? [];
        dns.PortNames = ports.Select(p => (string?)p?["name"] ?? "").ToArray();
        dns.PortProtocols = ports.Select(p => (string?)p?["protocol"] == "UDP" ? IpProtocol.Udp : IpProtocol.Tcp).ToArray();
        dns.PortNumbers = ports.Select(p => (ushort)(JsonNumbers.AsInt(p?["port"]) ?? 0)).ToArray();

        // Headless services answer with their endpoints (ready ones; publishNotReadyAddresses is not kept).
        var addresses = new List<uint>();
        var hostnames = new List<string>();
        var endpointPorts = new List<ushort>();
        foreach (JsonNode? subset in endpoints?.Json["subsets"] as JsonArray ?? [])
        {
            ushort first = (ushort)(JsonNumbers.AsInt(subset?["ports"]?[0]?["port"]) ?? 0);
            foreach (JsonNode? address in subset?["addresses"] as JsonArray ?? [])
            {
                if (Ipv4Address.TryParse((string?)address?["ip"] ?? "", out uint ip))
                {
                    addresses.Add(ip);
                    hostnames.Add(((string?)address?["hostname"])!); // null: no hostname record
                    endpointPorts.Add(first);
                }
            }
        }

        dns.EndpointAddresses = addresses.ToArray();
        dns.EndpointHostnames = hostnames.ToArray();
        dns.EndpointReady = addresses.Select(_ => true).ToArray();
        dns.EndpointPorts = endpointPorts.ToArray();
        return dns;
    }

    // A pod as its board runs it: its sandbox and its containers, each its image, args and
    // environment (as the kubelet makes them when it starts, what a board is given of them:
    // ContainerEnvironment) and its probes (ProbeCompiler).
    private static PodSpec Pod(KubeObject pod, ContainerEnvironment.Sources sources)
    {
        return new PodSpec
        {
            Namespace = pod.Namespace,
            Name = pod.Name,
            Uid = PodIncarnation.Of((string?)pod.Metadata["uid"] ?? ""),
            Address = PodAddress(pod),
            Containers = (pod.Spec?["containers"] as JsonArray ?? []).OfType<JsonObject>().Select(c => Container(pod, c, sources)).ToArray(),
        };
    }

    private static ContainerSpec Container(KubeObject pod, JsonObject container, ContainerEnvironment.Sources sources)
    {
        string image = (string?)container["image"] ?? "";
        IReadOnlyList<KeyValuePair<string, string>> env = ContainerEnvironment.For(pod, container, sources, onBoard: true).Variables;
        return new ContainerSpec
        {
            Name = (string?)container["name"] ?? "",
            Image = image,
            Args = ContainerEnvironment.Args(container, Edge.Dataplane.Workloads.WorkloadCatalog.ShortName(image), ContainerEnvironment.For(pod, container, sources).Variables),
            Env = env.Select(v => v.Key + "=" + v.Value).ToArray(),
            Probes = ProbeCompiler.For(container),
            MemoryLimit = Clamp(PodResources.Limit(container, PodResources.Memory)?.WholeValue ?? 0),
            CpuRequest = Clamp(PodResources.Request(container, PodResources.Cpu)?.MilliValue ?? 0),
            CpuLimit = Clamp(PodResources.Limit(container, PodResources.Cpu)?.MilliValue ?? 0),
        };
    }

    // A board counts bytes and millicores in an int: a limit past that is no limit it could reach.
    private static int Clamp(long value) => value <= 0 ? 0 : value >= int.MaxValue ? int.MaxValue : (int)value;

    public static uint PodAddress(KubeObject pod) => Ipv4Address.TryParse((string?)pod.Json["status"]?["podIP"] ?? "", out uint ip) ? ip : 0;

    /// <summary>The board's own address: status.addresses InternalIP, where its VXLAN and NodePorts listen.</summary>
    public static uint BoardAddress(KubeObject node)
    {
        JsonNode? internalIp = (node.Json["status"]?["addresses"] as JsonArray)?.FirstOrDefault(a => (string?)a?["type"] == "InternalIP");
        return Ipv4Address.TryParse((string?)internalIp?["address"] ?? "", out uint ip) ? ip : 0;
    }

    /// <summary>Virtual boards on one host may each need their own VXLAN port (annotation edge.dev/vxlan-port).</summary>
    public static ushort VxlanPort(KubeObject node) =>
        (ushort)(JsonNumbers.AsInt(node.Metadata["annotations"]?["edge.dev/vxlan-port"], allowQuoted: true) ?? 4789);
}
