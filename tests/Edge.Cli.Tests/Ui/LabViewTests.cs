using System.Text.Json.Nodes;
using Edge.Cli.Ui;
using Edge.Host.Objects;

namespace Edge.Cli.Tests.Ui;

/// <summary>The lab view's JSON, as the page reads it (Assets/lab.js), from objects as the API serves them.</summary>
[Trait("Category", Category.Unit)]
public sealed class LabViewTests
{
    private static KubeObject O(string json) => new((JsonObject)JsonNode.Parse(json)!);

    private static KubeObject Node(string name, bool ready, string memory = "768Ki", string cidr = "") => O($$$"""
        {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "{{{name}}}"},
         "spec": {"podCIDR": "{{{(cidr.Length > 0 ? cidr : "10.244." + name[^1] + ".0/24")}}}"},
         "status": {"addresses": [{"type": "InternalIP", "address": "127.0.10.{{{name[^1]}}}"}],
                    "capacity": {"cpu": "1", "memory": "{{{memory}}}", "pods": "16"},
                    "nodeInfo": {"architecture": "virtual", "kubeletVersion": "edge-0.1.0"},
                    "conditions": [{"type": "Ready", "status": "{{{(ready ? "True" : "Unknown")}}}"}]}}
        """);

    private static KubeObject Pod(string name, string node, string ip, bool ready, string app = "web", string phase = "Running") => O($$$"""
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "{{{name}}}", "namespace": "default", "labels": {"app": "{{{app}}}"},
           "ownerReferences": [{"kind": "Deployment", "name": "web", "controller": true, "uid": "u1"}]},
         "spec": {"nodeName": "{{{node}}}", "containers": [{"name": "whoami", "image": "whoami"}, {"name": "toolbox", "image": "toolbox"}]},
         "status": {"phase": "{{{phase}}}", "podIP": "{{{ip}}}",
                    "conditions": [{"type": "Ready", "status": "{{{(ready ? "True" : "False")}}}"}],
                    "containerStatuses": [{"name": "whoami", "ready": {{{(ready ? "true" : "false")}}}, "restartCount": 2, "state": {"running": {} } },
                                          {"name": "toolbox", "ready": true, "restartCount": 1, "state": {"waiting": {"reason": "CrashLoopBackOff"} } }]} }
        """);

    private static List<KubeObject> Lab() =>
    [
        Node("node-2", ready: true, memory: "8Ki"),
        Node("node-10", ready: false, memory: "1536Ki"),
        Node("node-1", ready: true),
        Pod("web-b", "node-2", "10.244.2.5", ready: false),
        Pod("web-a", "node-1", "10.244.1.5", ready: true),
        O("""{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "waiting", "namespace": "other"}, "spec": {"containers": [{"name": "c", "image": "hello"}]}, "status": {"phase": "Pending"}}"""),
        O("""
          {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "default"},
           "spec": {"type": "LoadBalancer", "clusterIP": "10.96.0.20", "selector": {"app": "web"},
                    "ports": [{"name": "http", "port": 80, "targetPort": "http", "nodePort": 30080, "protocol": "TCP"}]},
           "status": {"loadBalancer": {"ingress": [{"ip": "127.0.10.1"}, {"ip": "127.0.10.2"}]}}}
          """),
        O("""
          {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "web", "namespace": "default"},
           "subsets": [{"addresses": [{"ip": "10.244.1.5", "nodeName": "node-1", "targetRef": {"kind": "Pod", "namespace": "default", "name": "web-a"}}],
                        "notReadyAddresses": [{"ip": "10.244.2.5", "nodeName": "node-2", "targetRef": {"kind": "Pod", "namespace": "default", "name": "web-b"}}],
                        "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]}]}
          """),
        O("""{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "db", "namespace": "default"}, "spec": {"clusterIP": "None", "selector": {"app": "db"}, "ports": [{"port": 5432}]}}"""),
        O("""
          {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "web", "namespace": "default"},
           "spec": {"ingressClassName": "edge", "defaultBackend": {"service": {"name": "web", "port": {"name": "http"}}},
                    "rules": [{"host": "web.example.com", "http": {"paths": [{"path": "/api", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}},
                              {"http": {"paths": [{"pathType": "Exact", "backend": {"service": {"name": "db", "port": {"number": 5432}}}}]}}]},
           "status": {"loadBalancer": {"ingress": [{"ip": "127.0.10.2"}, {"ip": "127.0.10.1"}]}}}
          """),
        O("""{"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "web-only", "namespace": "default"}, "spec": {"podSelector": {"matchLabels": {"app": "web"}}, "ingress": [{}]}}"""),
        O("""{"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "deny-all", "namespace": "other"}, "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}}"""),
        O("""{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "ignored", "namespace": "default"}}"""),
    ];

    private static JsonObject View() => LabView.Build(Lab(), new LabViewState(7, Connected: true, Problem: null, Cluster: "lab"));

    [Fact]
    public void The_view_says_its_kind_revision_and_whether_it_follows_the_cluster()
    {
        JsonObject view = View();
        Assert.Equal(("LabView", "ui.edge.dev/v1", 7L, true, "lab"),
            ((string?)view["kind"], (string?)view["apiVersion"], (long)view["revision"]!, (bool)view["connected"]!, (string?)view["cluster"]));

        JsonObject lost = LabView.Build([], new LabViewState(8, Connected: false, Problem: "cannot reach the control plane", Cluster: "lab"));
        Assert.Equal((false, "cannot reach the control plane"), ((bool)lost["connected"]!, (string?)lost["problem"]));
        Assert.Empty(lost["nodes"]!.AsArray());
    }

    [Fact]
    public void Boards_come_in_the_order_people_count_with_their_state_in_words_and_memory_class()
    {
        JsonArray nodes = View()["nodes"]!.AsArray();
        Assert.Equal(["node-1", "node-2", "node-10"], nodes.Select(n => (string)n!["name"]!));
        JsonNode two = nodes[1]!, ten = nodes[2]!;
        Assert.Equal(("Ready", true, "127.0.10.2", "10.244.2.0/24", "8Ki", "wroom", 16, true),
            ((string?)two["status"], (bool)two["ready"]!, (string?)two["address"], (string?)two["podCIDR"], (string?)two["memory"], (string?)two["memoryClass"], (int)two["pods"]!, (bool)two["virtual"]!));
        Assert.Equal(("NotReady", false, "large"), ((string?)ten["status"], (bool)ten["ready"]!, (string?)ten["memoryClass"]));
        Assert.Equal("wrover", (string?)nodes[0]!["memoryClass"]);
        Assert.Null(LabView.MemoryClassOf("100Ki"));
        Assert.Null(LabView.MemoryClassOf(null));
    }

    [Fact]
    public void The_overlay_is_a_link_per_pair_of_boards_down_when_either_is_not_ready()
    {
        var links = View()["overlay"]!.AsArray().Select(l => ((string?)l!["key"], (bool)l["up"]!)).ToList();
        Assert.Equal([("node-1~node-2", true), ("node-1~node-10", false), ("node-2~node-10", false)], links);
    }

    [Fact]
    public void Pods_carry_kubectls_status_ready_count_restarts_owner_and_the_policies_that_select_them()
    {
        JsonArray pods = View()["pods"]!.AsArray();
        Assert.Equal(["default/web-a", "default/web-b", "other/waiting"], pods.Select(p => (string)p!["key"]!));
        JsonNode a = pods[0]!;
        Assert.Equal(("node-1", "Running", "CrashLoopBackOff", true, "2/2", 3, "10.244.1.5", "Deployment/web"),
            ((string?)a["node"], (string?)a["phase"], (string?)a["status"], (bool)a["ready"]!, (string?)a["readyContainers"], (int)a["restarts"]!, (string?)a["ip"], (string?)a["owner"]));
        Assert.Equal(["default/web-only"], a["policies"]!.AsArray().Select(p => (string)p!));
        Assert.Equal([("whoami", true, "Running", 2), ("toolbox", true, "Waiting: CrashLoopBackOff", 1)],
            a["containers"]!.AsArray().Select(c => ((string)c!["name"]!, (bool)c["ready"]!, (string)c["state"]!, (int)c["restarts"]!)));
        Assert.Equal(("1/2", false), ((string?)pods[1]!["readyContainers"], (bool)pods[1]!["ready"]!));

        JsonNode waiting = pods[2]!;
        Assert.Equal((null, "Pending", "Pending", false, "0/1", null), ((string?)waiting["node"], (string?)waiting["phase"], (string?)waiting["status"], (bool)waiting["ready"]!, (string?)waiting["readyContainers"], (string?)waiting["ip"]));
        Assert.Equal(["other/deny-all"], waiting["policies"]!.AsArray().Select(p => (string)p!));
    }

    [Fact]
    public void Services_carry_their_type_ports_addresses_and_endpoints_ready_or_not_with_pod_and_board()
    {
        JsonArray services = View()["services"]!.AsArray();
        Assert.Equal(["default/db", "default/web"], services.Select(s => (string)s!["key"]!));
        JsonNode db = services[0]!, web = services[1]!;
        Assert.Equal(("ClusterIP", true, "None"), ((string?)db["type"], (bool)db["headless"]!, (string?)db["clusterIP"]));
        Assert.Empty(db["endpoints"]!.AsArray());

        Assert.Equal(("LoadBalancer", false, "10.96.0.20", "app=web"), ((string?)web["type"], (bool)web["headless"]!, (string?)web["clusterIP"], (string?)web["selector"]));
        JsonNode port = web["ports"]![0]!;
        Assert.Equal(("http", 80, "http", 30080, "TCP"), ((string?)port["name"], (int)port["port"]!, (string?)port["targetPort"], (int)port["nodePort"]!, (string?)port["protocol"]));
        Assert.Equal(["127.0.10.1", "127.0.10.2"], web["loadBalancer"]!.AsArray().Select(a => (string)a!));
        Assert.Equal(
            [("10.244.1.5", "8080/TCP", true, "node-1", "default/web-a"), ("10.244.2.5", "8080/TCP", false, "node-2", "default/web-b")],
            web["endpoints"]!.AsArray().Select(e => ((string)e!["ip"]!, (string)e["ports"]!, (bool)e["ready"]!, (string)e["node"]!, (string)e["pod"]!)));
    }

    [Fact]
    public void Ingresses_are_rules_of_host_path_and_backend_and_policies_name_their_pods()
    {
        JsonNode ingress = View()["ingresses"]![0]!;
        Assert.Equal(("edge", "127.0.10.1,127.0.10.2", "web:http"), ((string?)ingress["class"], (string?)ingress["addresses"], (string?)ingress["defaultBackend"]));
        Assert.Equal([("web.example.com", "/api", "Prefix", "web", "80"), ("*", "/", "Exact", "db", "5432")],
            ingress["rules"]!.AsArray().Select(r => ((string)r!["host"]!, (string)r["path"]!, (string)r["pathType"]!, (string)r["service"]!, (string)r["port"]!)));

        JsonArray policies = View()["networkPolicies"]!.AsArray();
        Assert.Equal(["default/web-only", "other/deny-all"], policies.Select(p => (string)p!["key"]!));
        JsonNode webOnly = policies[0]!, denyAll = policies[1]!;
        Assert.Equal(("app=web", 1, 0), ((string?)webOnly["podSelector"], (int)webOnly["ingressRules"]!, (int)webOnly["egressRules"]!));
        Assert.Equal(["Ingress"], webOnly["policyTypes"]!.AsArray().Select(t => (string)t!));
        Assert.Equal(["default/web-a", "default/web-b"], webOnly["pods"]!.AsArray().Select(p => (string)p!));
        Assert.Equal(["Ingress", "Egress"], denyAll["policyTypes"]!.AsArray().Select(t => (string)t!));
        Assert.Equal("(every pod in the namespace)", (string?)denyAll["podSelector"]);
        Assert.Equal(["other/waiting"], denyAll["pods"]!.AsArray().Select(p => (string)p!));
    }
}
