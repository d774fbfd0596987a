using System.Text.Json.Nodes;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Wire;
using Edge.Host.Allocation;
using Edge.Host.Compile;
using Edge.Host.Objects;

namespace Edge.Host.Tests.Compile;

[Trait("Category", Category.Unit)]
public sealed class BoardStateCompilerTests
{
    private static KubeObject Obj(string json) => new((JsonObject)JsonNode.Parse(json)!);

    private static readonly KubeObject[] Nodes =
    [
        Obj("""{"kind": "Node", "metadata": {"name": "node-1"}, "spec": {"podCIDR": "10.244.1.0/24"}, "status": {"addresses": [{"type": "InternalIP", "address": "127.0.10.1"}]}}"""),
        Obj("""{"kind": "Node", "metadata": {"name": "node-2", "annotations": {"edge.dev/vxlan-port": "4790"}}, "spec": {"podCIDR": "10.244.2.0/24"}, "status": {"addresses": [{"type": "InternalIP", "address": "127.0.10.2"}]}}"""),
        Obj("""{"kind": "Node", "metadata": {"name": "node-3"}, "spec": {"podCIDR": "10.244.3.0/24"}}"""), // not joined yet: no address
    ];

    private static readonly KubeObject[] Pods =
    [
        Obj("""{"kind": "Pod", "metadata": {"name": "web-a", "namespace": "default", "uid": "u-a"}, "spec": {"nodeName": "node-1", "containers": [{"name": "c", "image": "traefik/whoami:v1.10"}]}, "status": {"phase": "Running", "podIP": "10.244.1.2"}}"""),
        Obj("""{"kind": "Pod", "metadata": {"name": "web-b", "namespace": "default", "uid": "u-b"}, "spec": {"nodeName": "node-2", "containers": [{"name": "c", "image": "whoami"}]}, "status": {"phase": "Running", "podIP": "10.244.2.2"}}"""),
        Obj("""{"kind": "Pod", "metadata": {"name": "pending", "namespace": "shop"}, "spec": {"containers": [{"name": "c", "image": "hello"}]}, "status": {"phase": "Pending"}}"""),
    ];

    private static readonly KubeObject[] Services =
    [
        Obj("""{"kind": "Service", "metadata": {"name": "web", "namespace": "default"}, "spec": {"type": "NodePort", "clusterIP": "10.96.0.2", "externalTrafficPolicy": "Local", "ports": [{"name": "http", "port": 80, "nodePort": 30080}, {"name": "dns", "port": 53, "protocol": "UDP"}]}}"""),
        Obj("""{"kind": "Service", "metadata": {"name": "db", "namespace": "default"}, "spec": {"clusterIP": "None", "ports": [{"port": 5432}]}}"""),
        Obj("""{"kind": "Service", "metadata": {"name": "ext", "namespace": "default"}, "spec": {"type": "ExternalName", "externalName": "db.example.com"}}"""),
    ];

    private static readonly KubeObject[] Endpoints =
    [
        Obj("""
            {"kind": "Endpoints", "metadata": {"name": "web", "namespace": "default"}, "subsets": [{
              "addresses": [{"ip": "10.244.1.2", "nodeName": "node-1", "targetRef": {"name": "web-a"}}],
              "notReadyAddresses": [{"ip": "10.244.2.2", "nodeName": "node-2", "targetRef": {"name": "web-b"}}],
              "ports": [{"name": "http", "port": 8080}, {"name": "dns", "port": 5353, "protocol": "UDP"}]}]}
            """),
        Obj("""{"kind": "Endpoints", "metadata": {"name": "db", "namespace": "default"}, "subsets": [{"addresses": [{"ip": "10.244.2.7", "hostname": "db-0"}], "ports": [{"port": 5432}]}]}"""),
    ];

    private static DesiredState Compile(string node) => BoardStateCompiler.Compile(node, Nodes, Pods, Services, Endpoints, new ClusterNetwork(), 7);

    [Fact]
    public void A_pod_goes_with_its_containers_args_and_environment_but_no_secret_value_and_no_service_variables()
    {
        KubeObject pod = Obj("""
            {"kind": "Pod", "metadata": {"name": "web-c", "namespace": "default", "uid": "u-c"},
             "spec": {"nodeName": "node-1", "containers": [{"name": "c", "image": "traefik/whoami",
               "command": ["/whoami"], "args": ["--port", "$(PORT)", "--name", "$(WEB_SERVICE_HOST)"],
               "env": [{"name": "PORT", "valueFrom": {"configMapKeyRef": {"name": "settings", "key": "port"}}},
                       {"name": "WHOAMI_NAME", "value": "blue"},
                       {"name": "TOKEN", "valueFrom": {"secretKeyRef": {"name": "s", "key": "token"}}}]}]},
             "status": {"phase": "Pending", "podIP": "10.244.1.9"}}
            """);
        KubeObject settings = Obj("""{"kind": "ConfigMap", "metadata": {"name": "settings", "namespace": "default"}, "data": {"port": "8080"}}""");
        KubeObject secret = Obj("""{"kind": "Secret", "metadata": {"name": "s", "namespace": "default"}, "data": {"token": "c2VjcmV0"}}""");

        DesiredState state = BoardStateCompiler.Compile("node-1", Nodes, [.. Pods, pod], Services, Endpoints, new ClusterNetwork(), 7, secrets: [secret], configMaps: [settings]);

        Edge.Dataplane.Mgmt.PodSpec spec = state.Pods.Single(p => p.Name == "web-c");
        Assert.Equal(["--port", "8080", "--name", "10.96.0.2"], spec.Containers[0].Args); // $(VAR) from env and the Services' variables, as the kubelet expands args
        Assert.Equal(["PORT=8080", "WHOAMI_NAME=blue"], spec.Containers[0].Env);
        Assert.Empty(state.Pods.Single(p => p.Name == "web-a").Containers[0].Args);
    }

    [Fact]
    public void A_containers_memory_limit_and_cpu_request_and_limit_go_to_its_board_in_bytes_and_millicores()
    {
        KubeObject pod = Obj("""
            {"kind": "Pod", "metadata": {"name": "memory-demo", "namespace": "default", "uid": "u-m"},
             "spec": {"nodeName": "node-1", "containers": [
               {"name": "memory-demo-ctr", "image": "polinux/stress", "resources": {"limits": {"memory": "2Ki", "cpu": "500m"}, "requests": {"cpu": 0.25}}},
               {"name": "sidecar", "image": "toolbox", "resources": {"limits": {"memory": "1Ti"}}},
               {"name": "plain", "image": "toolbox"}]},
             "status": {"phase": "Pending", "podIP": "10.244.1.9"}}
            """);

        ContainerSpec[] containers = BoardStateCompiler.Compile("node-1", Nodes, [.. Pods, pod], Services, Endpoints, new ClusterNetwork(), 7).Pods.Single(p => p.Name == "memory-demo").Containers;

        Assert.Equal((2048, 250, 500), (containers[0].MemoryLimit, containers[0].CpuRequest, containers[0].CpuLimit));
        Assert.Equal(int.MaxValue, containers[1].MemoryLimit); // more than a board counts: no limit it could reach
        Assert.Equal((0, 0, 0), (containers[2].MemoryLimit, containers[2].CpuRequest, containers[2].CpuLimit));
    }

    [Fact]
    public void A_board_gets_its_own_pods_and_every_joined_peer()
    {
        DesiredState state = Compile("node-1");

        Assert.Equal(7u, state.Generation);
        Assert.Equal("10.244.1.0", Ipv4Address.Format(state.PodNetwork));
        Assert.Equal("10.96.0.10", Ipv4Address.Format(state.DnsAddress));
        PodSpec pod = Assert.Single(state.Pods);
        Assert.Equal(("web-a", "u-a", "10.244.1.2", "traefik/whoami:v1.10"), (pod.Name, pod.Uid, Ipv4Address.Format(pod.Address), pod.Image));
        PeerSpec peer = Assert.Single(state.Peers); // node-3 has no board address yet
        Assert.Equal(("node-2", "10.244.2.0", 24, "127.0.10.2", (ushort)4790), (peer.Name, Ipv4Address.Format(peer.PodNetwork), peer.PrefixLength, Ipv4Address.Format(peer.Address), peer.Port));
        Assert.Equal(["10.244.1.2", "10.244.2.2"], state.ClusterPodAddresses.Select(Ipv4Address.Format));
    }

    [Fact]
    public void Each_service_port_becomes_one_entry_with_resolved_endpoints_and_flags()
    {
        DesiredState one = Compile("node-1");

        Assert.Equal([("web", "http", 80, 30080), ("web", "dns", 53, 0)], one.Services.Select(s => (s.Name, s.PortName, (int)s.Port, (int)s.NodePort)));
        Service http = one.Services[0];
        Assert.Equal(ServiceType.NodePort, http.Type);
        Assert.True(http.ExternalTrafficLocal);
        Assert.Equal(["10.244.1.2", "10.244.2.2"], http.EndpointAddresses.Select(Ipv4Address.Format));
        Assert.Equal([(ushort)8080, (ushort)8080], http.EndpointPorts);
        Assert.Equal([(byte)(EndpointFlags.Ready | EndpointFlags.Serving | EndpointFlags.Local), (byte)0], http.EndpointFlagBits);
        Assert.Equal(IpProtocol.Udp, one.Services[1].Protocol);
        Assert.Equal([(ushort)5353, (ushort)5353], one.Services[1].EndpointPorts);

        // The same service compiled for node-2: web-b is the local one there.
        Assert.Equal([(byte)(EndpointFlags.Ready | EndpointFlags.Serving), EndpointFlags.Local], Compile("node-2").Services[0].EndpointFlagBits);
    }

    [Fact]
    public void DNS_entries_go_to_headless_and_ExternalName_services_and_ClusterIP_ones_are_answered_from_the_service_table()
    {
        DesiredState state = Compile("node-1");

        Assert.Equal(["db", "ext"], state.DnsServices.Select(d => d.Name));
        Assert.Contains(state.Services, s => s.Name == "web" && Ipv4Address.Format(s.ClusterIp) == "10.96.0.2");
        var db = state.DnsServices[0];
        Assert.Equal(0u, db.ClusterIp);
        Assert.Equal(["10.244.2.7"], db.EndpointAddresses.Select(Ipv4Address.Format));
        Assert.Equal(["db-0"], db.EndpointHostnames);
        Assert.Equal("db.example.com", state.DnsServices[1].ExternalName);
    }

    [Fact]
    public void The_compiled_state_survives_the_board_codec()
    {
        DesiredState state = Compile("node-1");
        var buffer = new byte[Frame.MaxPayload];
        var writer = new PayloadWriter();
        writer.Begin(buffer, 0, buffer.Length);
        StateCodec.Encode(state, writer);
        Assert.False(writer.Overflow);
        var reader = new PayloadReader();
        reader.Begin(buffer, 0, writer.Length);
        DesiredState decoded = StateCodec.Decode(reader)!;

        Assert.Equal(state.Services.Length, decoded.Services.Length);
        Assert.Equal(state.Services[0].EndpointFlagBits, decoded.Services[0].EndpointFlagBits);
        Assert.Equal(state.Pods[0].Image, decoded.Pods[0].Image);
        Assert.Equal(state.DnsServices[0].EndpointHostnames, decoded.DnsServices[0].EndpointHostnames);
    }

    [Fact]
    public void A_board_that_takes_TLS_sessions_gets_the_certificates_of_the_Ingresses_and_a_WROOM_board_none()
    {
        KubeObject[] nodes = Nodes.Select(n => n.Clone()).ToArray();
        nodes[0].Json["status"]!["allocatable"] = new JsonObject { ["edge.dev/tls-sessions"] = "4", ["pods"] = "8" };
        nodes[1].Json["status"]!["allocatable"] = new JsonObject { ["edge.dev/tls-sessions"] = "0", ["pods"] = "8" };
        KubeObject ingress = Obj("""
            {"kind": "Ingress", "metadata": {"name": "web", "namespace": "default"},
             "spec": {"tls": [{"hosts": ["web.example.com"], "secretName": "web-tls"}],
                      "rules": [{"host": "web.example.com", "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}}
            """);
        KubeObject[] secrets = [Edge.Host.Tests.Ingress.TlsTestSecrets.Secret("default", "web-tls", "web.example.com")];

        DesiredState Board(string node) => BoardStateCompiler.Compile(node, nodes, Pods, Services, Endpoints, new ClusterNetwork(), 7,
            ingresses: [ingress], ingressClasses: [Edge.Host.Cluster.DefaultIngressClass.New()], secrets: secrets);

        Assert.Equal(["web.example.com"], Board("node-1").Tls!.Hosts);
        Assert.Null(Board("node-2").Tls);
        Assert.True(Board("node-2").Ingress!.Annotations!.SslRedirects[0]); // the same routes everywhere: a board without TLS serves HTTP as it comes
    }
}
