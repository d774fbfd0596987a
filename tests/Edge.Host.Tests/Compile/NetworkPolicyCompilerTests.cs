using System.Text.Json.Nodes;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Policy;
using Edge.Dataplane.Wire;
using Edge.Host.Allocation;
using Edge.Host.Compile;
using Edge.Host.Manifests;
using Edge.Host.Objects;

namespace Edge.Host.Tests.Compile;

/// <summary>
/// The Kubernetes documentation's "Network Policies" page
/// (https://kubernetes.io/docs/concepts/services-networking/network-policies/) as a
/// specification: each test compiles a small cluster's policies for a board and then asks the
/// board's own evaluator (<see cref="PolicyEvaluator"/>) what the page says the answer is,
/// so the compiler and the evaluator are checked together.
/// </summary>
/// <remarks>
/// The cluster: node-1 and node-2; namespaces default, shop (user: alice), tools, and
/// kube-system (whose DNS address 10.96.0.10 stands for CoreDNS); pods:
/// <code>
/// default/web-1   node-1  10.244.1.2  app=web       http 8080/TCP
/// default/db-1    node-1  10.244.1.3  app=db        pg 5432/TCP
/// shop/other      node-1  10.244.1.4  role=frontend
/// tools/probe     node-1  10.244.1.5  role=client
/// default/web-2   node-2  10.244.2.2  app=web       http 9090/TCP
/// default/client  node-2  10.244.2.3  role=client
/// shop/client     node-2  10.244.2.4  role=client
/// </code>
/// </remarks>
[Trait("Category", Category.Unit)]
public sealed class NetworkPolicyCompilerTests
{
    private const uint Dns = 0x0A60000A; // 10.96.0.10

    private static uint Ip(string text) => Ipv4Address.TryParse(text, out uint ip) ? ip : throw new FormatException(text);

    private static KubeObject Pod(string ns, string name, string node, string ip, string labels, string ports = "[]") => new((JsonObject)JsonNode.Parse($$$"""
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "{{{name}}}", "namespace": "{{{ns}}}", "labels": {{{labels}}}},
         "spec": {"nodeName": "{{{node}}}", "containers": [{"name": "c", "image": "whoami", "ports": {{{ports}}}}]},
         "status": {"phase": "Running", "podIP": "{{{ip}}}"}}
        """)!);

    private static KubeObject Namespace(string name, string labels = "{}") =>
        new((JsonObject)JsonNode.Parse($$$"""{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "{{{name}}}", "labels": {{{labels}}}}}""")!);

    private static readonly KubeObject[] Pods =
    [
        Pod("default", "web-1", "node-1", "10.244.1.2", """{"app": "web"}""", """[{"name": "http", "containerPort": 8080}]"""),
        Pod("default", "db-1", "node-1", "10.244.1.3", """{"app": "db"}""", """[{"name": "pg", "containerPort": 5432, "protocol": "TCP"}]"""),
        Pod("shop", "other", "node-1", "10.244.1.4", """{"role": "frontend"}"""),
        Pod("tools", "probe", "node-1", "10.244.1.5", """{"role": "client"}"""),
        Pod("default", "web-2", "node-2", "10.244.2.2", """{"app": "web"}""", """[{"name": "http", "containerPort": 9090}]"""),
        Pod("default", "client", "node-2", "10.244.2.3", """{"role": "client"}"""),
        Pod("shop", "client", "node-2", "10.244.2.4", """{"role": "client"}"""),
    ];

    // "default" has no Namespace object here: its kubernetes.io/metadata.name label is implied all the same.
    private static readonly KubeObject[] Namespaces = [Namespace("shop", """{"user": "alice"}"""), Namespace("tools"), Namespace("kube-system")];

    /// <summary>Policies written as the documentation writes them.</summary>
    private static List<KubeObject> Policies(string yaml)
    {
        var docs = new List<ManifestDocument>();
        var problems = new List<ManifestProblem>();
        ManifestReader.Parse("policy.yaml", yaml, docs, problems);
        Assert.Empty(problems);
        Assert.DoesNotContain(docs.SelectMany(ManifestValidator.Validate), p => !p.IsWarning);
        return docs.Select(d => d.Object).ToList();
    }

    /// <summary>The board's set; a board no policy concerns gets none (null), which isolates nothing.</summary>
    private static PolicySet? Compile(string node, string yaml) => NetworkPolicyCompiler.Compile(node, Pods, Namespaces, Policies(yaml), Dns);

    /// <summary>The set a board gets, when the test expects one.</summary>
    private static PolicySet Set(string node, string yaml) => Compile(node, yaml) ?? throw new Xunit.Sdk.XunitException($"no policy for {node}");

    private static IEnumerable<string> Subjects(PolicySet set) =>
        Enumerable.Range(0, set.PolicyCount).SelectMany(p => set.Addresses.Skip(set.FirstSubjectOf(p)).Take(set.SubjectCountOf(p))).Select(Ipv4Address.Format);

    /// <summary>Whether the board lets <paramref name="from"/> reach <paramref name="to"/>: the sender's egress on its board, the receiver's ingress on its own.</summary>
    private static bool Reaches(PolicySet? fromBoard, PolicySet? toBoard, string from, string to, byte protocol, ushort port) =>
        Egress(fromBoard, from, to, port, protocol) && Ingress(toBoard, to, from, port, protocol);

    private static bool Ingress(PolicySet? set, string subject, string peer, ushort port = 80, byte protocol = IpProtocol.Tcp) =>
        set == null || PolicyEvaluator.Allows(set, egress: false, Ip(subject), Ip(peer), protocol, port, new PolicyDecision());

    private static bool Egress(PolicySet? set, string subject, string peer, ushort port = 80, byte protocol = IpProtocol.Tcp) =>
        set == null || PolicyEvaluator.Allows(set, egress: true, Ip(subject), Ip(peer), protocol, port, new PolicyDecision());

    [Fact]
    public void PolicyTypes_default_to_Ingress_and_to_Egress_only_when_there_are_egress_rules()
    {
        // "If no policyTypes are specified on a NetworkPolicy then by default Ingress will always
        // be set and Egress will be set if the NetworkPolicy has any egress rules."
        PolicySet set = Set("node-1", """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: ingress-only, namespace: default}
            spec:
              podSelector: {matchLabels: {app: web}}
              ingress: [{from: [{podSelector: {matchLabels: {app: db}}}]}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: egress-rules, namespace: default}
            spec:
              podSelector: {matchLabels: {app: db}}
              egress: [{to: [{ipBlock: {cidr: 192.168.0.0/16}}]}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: no-egress-rules, namespace: shop}
            spec:
              podSelector: {}
              egress: []
            """);

        Assert.Equal(["default/egress-rules", "default/ingress-only", "shop/no-egress-rules"], set.Names.Take(set.PolicyCount));
        Assert.Equal([(byte)(PolicyTypes.Ingress | PolicyTypes.Egress), PolicyTypes.Ingress, PolicyTypes.Ingress], set.Types.Take(set.PolicyCount));

        // web-1: isolated for ingress (db only), not for egress.
        Assert.True(Ingress(set, "10.244.1.2", "10.244.1.3"));
        Assert.False(Ingress(set, "10.244.1.2", "10.244.2.3"));
        Assert.True(Egress(set, "10.244.1.2", "8.8.8.8"));

        // db-1: isolated both ways with no ingress rule, so it takes nothing and sends only to 192.168/16.
        Assert.False(Ingress(set, "10.244.1.3", "10.244.1.2"));
        Assert.True(Egress(set, "10.244.1.3", "192.168.4.4"));
        Assert.False(Egress(set, "10.244.1.3", "10.244.1.2"));

        // shop/other: an empty egress list has no rules, so only Ingress (with no rule: deny all ingress).
        Assert.False(Ingress(set, "10.244.1.4", "10.244.1.2"));
        Assert.True(Egress(set, "10.244.1.4", "10.244.1.2"));
    }

    [Fact]
    public void Written_policyTypes_win_and_rules_of_an_unlisted_direction_are_ignored()
    {
        // "Default deny all ingress and all egress traffic", and policyTypes: [Egress] with ingress rules
        // (they do not apply: the policy does not isolate for ingress).
        PolicySet set = Set("node-1", """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: default-deny-all, namespace: tools}
            spec:
              podSelector: {}
              policyTypes: [Ingress, Egress]
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: egress-only, namespace: default}
            spec:
              podSelector: {matchLabels: {app: web}}
              policyTypes: [Egress]
              egress: [{}]
            """);

        Assert.False(Ingress(set, "10.244.1.5", "10.244.1.2"));
        Assert.False(Egress(set, "10.244.1.5", "10.244.1.2"));
        Assert.True(Ingress(set, "10.244.1.2", "10.244.1.5")); // web-1 is not isolated for ingress
        Assert.True(Egress(set, "10.244.1.2", "1.1.1.1")); // "allow all egress": egress: [{}]
        Assert.Equal(0, set.RuleCountOf(Array.IndexOf(set.Names, "tools/default-deny-all")));
    }

    [Fact]
    public void A_board_gets_only_the_policies_that_select_its_own_pods_with_only_those_pods_as_subjects()
    {
        // Each board enforces for its pods; the policy for app=web is on both boards, each with its own pod.
        const string Yaml = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: web, namespace: default}
            spec:
              podSelector: {matchLabels: {app: web}}
              policyTypes: [Ingress]
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: clients, namespace: shop}
            spec:
              podSelector: {matchLabels: {role: client}}
              policyTypes: [Ingress]
            """;
        PolicySet one = Set("node-1", Yaml), two = Set("node-2", Yaml);

        Assert.Equal(["default/web"], one.Names.Take(one.PolicyCount));
        Assert.Equal(["10.244.1.2"], Subjects(one));
        Assert.Equal(["default/web", "shop/clients"], two.Names.Take(two.PolicyCount));
        Assert.Equal(["10.244.2.2", "10.244.2.4"], Subjects(two));

        // Exactly sized: the set is made at the size of what it holds.
        Assert.Equal((2, 2, 0, 0), (two.PolicyCapacity, two.AddressCapacity, two.RuleCapacity, two.PortCapacity));
    }

    [Fact]
    public void NamespaceSelector_and_podSelector_in_one_peer_match_both_and_in_two_peers_either()
    {
        // "from: - namespaceSelector: {user: alice} podSelector: {role: client}" is a single element
        // "allowing connections from Pods with the label role=client in namespaces with the label
        // user=alice"; as two elements it "allows connections from Pods in the local Namespace with
        // the label role=client, or from any Pod in any namespace with the label user=alice".
        PolicySet and = Set("node-1", """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: and, namespace: default}
            spec:
              podSelector: {matchLabels: {app: web}}
              ingress:
                - from:
                    - namespaceSelector:
                        matchLabels: {user: alice}
                      podSelector:
                        matchLabels: {role: client}
            """);
        PolicySet or = Set("node-1", """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: or, namespace: default}
            spec:
              podSelector: {matchLabels: {app: web}}
              ingress:
                - from:
                    - namespaceSelector:
                        matchLabels: {user: alice}
                    - podSelector:
                        matchLabels: {role: client}
            """);

        const string Web = "10.244.1.2";
        string[] peers = ["10.244.2.4", "10.244.2.3", "10.244.1.4", "10.244.1.5"]; // shop/client, default/client, shop/other, tools/probe
        Assert.Equal([true, false, false, false], peers.Select(p => Ingress(and, Web, p)));
        Assert.Equal([true, true, true, false], peers.Select(p => Ingress(or, Web, p)));
    }

    [Fact]
    public void A_namespaceSelector_alone_takes_every_pod_of_the_matching_namespaces_on_any_node()
    {
        PolicySet set = Set("node-1", """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: from-alice, namespace: default}
            spec:
              podSelector: {}
              ingress: [{from: [{namespaceSelector: {matchExpressions: [{key: user, operator: In, values: [alice, bob]}]}}]}]
            """);

        Assert.True(Ingress(set, "10.244.1.3", "10.244.1.4")); // shop/other, same node
        Assert.True(Ingress(set, "10.244.1.3", "10.244.2.4")); // shop/client, node-2
        Assert.False(Ingress(set, "10.244.1.3", "10.244.2.3")); // default/client
        Assert.False(Ingress(set, "10.244.1.3", "10.244.2.99")); // no pod there
    }

    [Fact]
    public void Every_namespace_carries_its_name_label_even_without_a_Namespace_object_or_that_label()
    {
        // "The Kubernetes control plane sets an immutable label kubernetes.io/metadata.name on all
        // namespaces, the value of the label is the namespace name."
        PolicySet set = Set("node-1", """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: from-named, namespace: tools}
            spec:
              podSelector: {}
              ingress:
                - from:
                    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: default}}
                    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: shop}}
                      podSelector: {matchLabels: {role: client}}
            """);

        Assert.True(Ingress(set, "10.244.1.5", "10.244.2.3")); // default has no object here
        Assert.True(Ingress(set, "10.244.1.5", "10.244.2.4")); // shop's object has only user: alice
        Assert.False(Ingress(set, "10.244.1.5", "10.244.1.4"));
    }

    [Fact]
    public void An_ipBlock_allows_its_cidr_but_its_excepts()
    {
        // The page's example: "ipBlock: cidr: 172.17.0.0/16 except: - 172.17.1.0/24".
        PolicySet set = Set("node-1", """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: test-network-policy, namespace: default}
            spec:
              podSelector: {matchLabels: {app: db}}
              policyTypes: [Ingress, Egress]
              ingress:
                - from:
                    - ipBlock:
                        cidr: 172.17.0.0/16
                        except: [172.17.1.0/24]
                  ports: [{protocol: TCP, port: 6379}]
              egress:
                - to: [{ipBlock: {cidr: 10.0.0.0/24}}]
                  ports: [{protocol: TCP, port: 5978}]
            """);

        const string Db = "10.244.1.3";
        Assert.True(Ingress(set, Db, "172.17.0.9", 6379));
        Assert.True(Ingress(set, Db, "172.17.255.1", 6379));
        Assert.False(Ingress(set, Db, "172.17.1.9", 6379));
        Assert.False(Ingress(set, Db, "172.18.0.9", 6379));
        Assert.False(Ingress(set, Db, "172.17.0.9", 6380));
        Assert.True(Egress(set, Db, "10.0.0.7", 5978));
        Assert.False(Egress(set, Db, "10.0.1.7", 5978));
        Assert.False(Egress(set, Db, "10.0.0.7", 5978, IpProtocol.Udp));
    }

    [Fact]
    public void A_named_port_is_the_destinations_for_ingress_the_selected_pod()
    {
        // web-1 names 8080 "http", web-2 names 9090 "http": each takes connections on its own number.
        const string Yaml = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: web-http, namespace: default}
            spec:
              podSelector: {matchLabels: {app: web}}
              ingress: [{ports: [{port: http}]}]
            """;
        PolicySet one = Set("node-1", Yaml), two = Set("node-2", Yaml);

        Assert.True(Ingress(one, "10.244.1.2", "10.244.2.3", 8080));
        Assert.False(Ingress(one, "10.244.1.2", "10.244.2.3", 9090));
        Assert.True(Ingress(two, "10.244.2.2", "10.244.2.3", 9090));
        Assert.False(Ingress(two, "10.244.2.2", "10.244.2.3", 8080));
        Assert.False(Ingress(one, "10.244.1.2", "10.244.2.3", 8080, IpProtocol.Udp)); // http is a TCP port
    }

    [Fact]
    public void A_named_port_is_the_destinations_for_egress_the_peer_pod()
    {
        const string Yaml = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: client-to-web, namespace: default}
            spec:
              podSelector: {matchLabels: {role: client}}
              policyTypes: [Egress]
              egress:
                - to: [{podSelector: {matchLabels: {app: web}}}]
                  ports: [{port: http, protocol: TCP}]
            """;
        PolicySet two = Set("node-2", Yaml);

        const string Client = "10.244.2.3";
        Assert.True(Egress(two, Client, "10.244.1.2", 8080));
        Assert.False(Egress(two, Client, "10.244.1.2", 9090));
        Assert.True(Egress(two, Client, "10.244.2.2", 9090));
        Assert.False(Egress(two, Client, "10.244.2.2", 8080));
        Assert.False(Egress(two, Client, "10.244.1.3", 8080)); // db-1 is no peer of the rule

        // Only the peers' ports are listed: one per web pod, not one per pod of the cluster.
        Assert.Equal(2, two.PortCount);

        // End to end across boards: client (node-2) to web-1 (node-1), a board no policy concerns.
        PolicySet? one = Compile("node-1", Yaml);
        Assert.Null(one);
        Assert.True(Reaches(two, one, Client, "10.244.1.2", IpProtocol.Tcp, 8080));
        Assert.False(Reaches(two, one, Client, "10.244.1.2", IpProtocol.Tcp, 80));
    }

    [Fact]
    public void A_rule_whose_ports_all_name_ports_no_destination_has_is_left_out_and_the_policy_still_isolates()
    {
        PolicySet set = Set("node-1", """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: metrics, namespace: default}
            spec:
              podSelector: {matchLabels: {app: db}}
              ingress: [{ports: [{port: metrics}]}]
            """);

        Assert.Equal((1, 0), (set.PolicyCount, set.RuleCount));
        Assert.False(Ingress(set, "10.244.1.3", "10.244.1.2", 5432));
    }

    [Fact]
    public void A_protocol_without_a_port_allows_every_port_of_that_protocol_only()
    {
        PolicySet set = Set("node-1", """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: udp-only, namespace: default}
            spec:
              podSelector: {matchLabels: {app: db}}
              ingress: [{ports: [{protocol: UDP}]}]
            """);

        Assert.True(Ingress(set, "10.244.1.3", "10.244.1.2", 1, IpProtocol.Udp));
        Assert.True(Ingress(set, "10.244.1.3", "10.244.1.2", 65535, IpProtocol.Udp));
        Assert.False(Ingress(set, "10.244.1.3", "10.244.1.2", 53, IpProtocol.Tcp));
        Assert.False(Ingress(set, "10.244.1.3", "10.244.1.2", 0, IpProtocol.Icmp));
    }

    [Fact]
    public void EndPort_allows_the_range_from_port_to_endPort_inclusive()
    {
        // The page's "Targeting a range of ports" example: port 32000, endPort 32768.
        PolicySet set = Set("node-1", """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: multi-port-egress, namespace: default}
            spec:
              podSelector: {matchLabels: {app: db}}
              policyTypes: [Egress]
              egress:
                - to: [{ipBlock: {cidr: 10.0.0.0/24}}]
                  ports: [{protocol: TCP, port: 32000, endPort: 32768}]
            """);

        ushort[] ports = [31999, 32000, 32500, 32768, 32769];
        Assert.Equal([false, true, true, true, false], ports.Select(p => Egress(set, "10.244.1.3", "10.0.0.5", p)));
    }

    [Fact]
    public void No_ports_allow_every_protocol_and_no_peers_every_peer_outside_the_cluster_too()
    {
        // "allow all ingress": ingress: [{}]; a rule with only ports is open to every source.
        PolicySet set = Set("node-1", """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: allow-all-ingress, namespace: default}
            spec:
              podSelector: {matchLabels: {app: web}}
              ingress: [{}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: db-port, namespace: default}
            spec:
              podSelector: {matchLabels: {app: db}}
              ingress: [{ports: [{port: 5432}]}]
            """);

        Assert.True(Ingress(set, "10.244.1.2", "203.0.113.9", 0, IpProtocol.Icmp));
        Assert.True(Ingress(set, "10.244.1.3", "203.0.113.9", 5432));
        Assert.False(Ingress(set, "10.244.1.3", "203.0.113.9", 5433));
    }

    [Fact]
    public void Egress_to_kube_dns_in_kube_system_allows_the_node_local_DNS_address()
    {
        // The usual "allow DNS" egress policy; on Edge each board answers 10.96.0.10 itself, and
        // that address counts as the kube-system pods labelled k8s-app=kube-dns.
        PolicySet set = Set("node-2", """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: allow-dns, namespace: default}
            spec:
              podSelector: {}
              policyTypes: [Egress]
              egress:
                - to:
                    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
                      podSelector: {matchLabels: {k8s-app: kube-dns}}
                  ports:
                    - {protocol: UDP, port: 53}
                    - {protocol: TCP, port: dns-tcp}
            """);

        const string Client = "10.244.2.3";
        Assert.True(Egress(set, Client, "10.96.0.10", 53, IpProtocol.Udp));
        Assert.True(Egress(set, Client, "10.96.0.10", 53, IpProtocol.Tcp)); // the named port dns-tcp
        Assert.False(Egress(set, Client, "10.96.0.10", 9153, IpProtocol.Tcp));
        Assert.False(Egress(set, Client, "8.8.8.8", 53, IpProtocol.Udp));
        Assert.False(Egress(set, Client, "10.244.2.2", 53, IpProtocol.Udp));

        // The DNS pod is never a subject: it is on every board and on none.
        Assert.DoesNotContain("10.96.0.10", Subjects(set));
    }

    [Fact]
    public void Policies_add_up_whatever_their_order()
    {
        // "Network policies do not conflict; they are additive."
        PolicySet set = Set("node-1", """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: b-from-db, namespace: default}
            spec:
              podSelector: {matchLabels: {app: web}}
              ingress: [{from: [{podSelector: {matchLabels: {app: db}}}]}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: a-from-clients, namespace: default}
            spec:
              podSelector: {matchLabels: {app: web}}
              ingress: [{from: [{podSelector: {matchLabels: {role: client}}}]}]
            """);

        Assert.True(Ingress(set, "10.244.1.2", "10.244.1.3"));
        Assert.True(Ingress(set, "10.244.1.2", "10.244.2.3"));
        Assert.False(Ingress(set, "10.244.1.2", "10.244.1.4"));
    }

    [Fact]
    public void The_same_cluster_compiles_to_the_same_bytes_whatever_order_the_store_lists_it_in()
    {
        List<KubeObject> policies = Policies("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: web, namespace: default}
            spec:
              podSelector: {}
              ingress:
                - from: [{namespaceSelector: {}}, {ipBlock: {cidr: 192.168.0.0/16, except: [192.168.1.0/24]}}]
                  ports: [{port: http}, {port: 5432}, {protocol: UDP}]
              egress: [{to: [{podSelector: {}}], ports: [{port: http}]}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: all, namespace: shop}
            spec:
              podSelector: {}
              policyTypes: [Ingress, Egress]
            """);
        byte[] Bytes(IEnumerable<KubeObject> pods, IEnumerable<KubeObject> namespaces, IEnumerable<KubeObject> ps) =>
            StateDiff.Bytes(new DesiredState { Policies = NetworkPolicyCompiler.Compile("node-1", pods.ToList(), namespaces.ToList(), ps.ToList(), Dns) });

        byte[] first = Bytes(Pods, Namespaces, policies);
        Assert.Equal(first, Bytes(Enumerable.Reverse(Pods), Enumerable.Reverse(Namespaces), Enumerable.Reverse(policies)));
        Assert.Equal(first, Bytes(Pods.OrderBy(p => p.Name), Namespaces, policies));
    }

    [Fact]
    public void The_compiled_set_survives_the_board_codec()
    {
        PolicySet set = Set("node-1", """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: web, namespace: default}
            spec:
              podSelector: {matchLabels: {app: web}}
              ingress: [{from: [{ipBlock: {cidr: 172.17.0.0/16, except: [172.17.1.0/24]}}], ports: [{port: http}, {port: 8000, endPort: 8100}]}]
            """);
        var state = new DesiredState { Policies = set };
        byte[] bytes = StateDiff.Bytes(state);
        var reader = new PayloadReader();
        reader.Begin(bytes, 0, bytes.Length);
        PolicySet decoded = StateCodec.Decode(reader)!.Policies!;

        Assert.Equal(bytes, StateDiff.Bytes(new DesiredState { Policies = decoded }));
        Assert.True(Ingress(decoded, "10.244.1.2", "172.17.0.1", 8080));
        Assert.True(Ingress(decoded, "10.244.1.2", "172.17.0.1", 8050));
        Assert.False(Ingress(decoded, "10.244.1.2", "172.17.1.1", 8080));
    }

    [Fact]
    public void What_Kubernetes_would_refuse_allows_nothing_rather_than_everything()
    {
        // Stored through the API (which does not run the manifest checks): an empty peer, a peer
        // with ipBlock and a selector, a selector with an unknown operator, endPort without a port.
        var policy = new KubeObject((JsonObject)JsonNode.Parse("""
            {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "odd", "namespace": "default"},
             "spec": {"podSelector": {"matchLabels": {"app": "db"}}, "ingress": [
               {"from": [{}]},
               {"from": [{"ipBlock": {"cidr": "0.0.0.0/0"}, "podSelector": {}}]},
               {"from": [{"podSelector": {"matchExpressions": [{"key": "app", "operator": "Near"}]}}]},
               {"from": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["not-a-cidr"]}}]},
               {"ports": [{"endPort": 90}]},
               "not a rule"]}}
            """)!);
        PolicySet set = NetworkPolicyCompiler.Compile("node-1", Pods, Namespaces, [policy], Dns)!;

        Assert.Equal((1, 0), (set.PolicyCount, set.RuleCount));
        Assert.False(Ingress(set, "10.244.1.3", "10.244.1.2"));
    }

    [Fact]
    public void The_board_state_carries_the_policies_and_a_change_travels_in_a_delta()
    {
        KubeObject node1 = new((JsonObject)JsonNode.Parse("""{"kind": "Node", "metadata": {"name": "node-1"}, "spec": {"podCIDR": "10.244.1.0/24"}}""")!);
        List<KubeObject> policies = Policies("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: deny, namespace: default}
            spec: {podSelector: {}}
            """);
        DesiredState State(IReadOnlyList<KubeObject> ps, uint generation) =>
            BoardStateCompiler.Compile("node-1", [node1], Pods, [], [], new ClusterNetwork(), generation, null, Namespaces, ps);

        DesiredState before = State([], 1), after = State(policies, 2);
        Assert.Null(before.Policies);
        Assert.Equal(["default/deny"], after.Policies!.Names.Take(after.Policies.PolicyCount));

        StateChange change = StateDiff.Compute(before, after)!;
        Assert.Equal(StateDelta.PoliciesReplaced, change.Flags);
        Assert.Same(after.Policies, change.Changed.Policies);
        Assert.Equal(0, StateDiff.Compute(after, State(policies, 3))!.Flags);
    }
}
