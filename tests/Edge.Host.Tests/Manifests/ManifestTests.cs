using Edge.Host.Manifests;

namespace Edge.Host.Tests.Manifests;

[Trait("Category", Category.Unit)]
public sealed class ManifestTests
{
    private static (List<ManifestDocument> Docs, List<ManifestProblem> Problems) Load(string yaml, string name = "app.yaml")
    {
        var docs = new List<ManifestDocument>();
        var problems = new List<ManifestProblem>();
        ManifestReader.Parse(name, yaml, docs, problems);
        foreach (ManifestDocument doc in docs)
        {
            problems.AddRange(ManifestValidator.Validate(doc));
        }

        return (docs, problems);
    }

    [Fact]
    public void Every_example_loads_and_validates()
    {
        var (docs, problems) = ManifestReader.Read(RepoPaths.Of("examples"));

        Assert.Empty(problems);
        Assert.True(docs.Count >= 9, $"{docs.Count} objects");
        Assert.DoesNotContain(docs.SelectMany(ManifestValidator.Validate), p => !p.IsWarning);
        Assert.Contains(docs, d => d.Object.Reference == "deployment.apps/web");
    }

    [Fact]
    public void The_policy_exercise_loads_and_validates()
    {
        var (docs, problems) = ManifestReader.Read(RepoPaths.Of("examples/policy"));

        Assert.Empty(problems);
        Assert.Equal(4, docs.Count(d => d.Object.Kind == "NetworkPolicy"));
        Assert.DoesNotContain(docs.SelectMany(ManifestValidator.Validate), p => !p.IsWarning);
    }

    [Fact]
    public void Plain_scalars_get_YAML_core_types_and_quoted_ones_stay_strings()
    {
        var (docs, _) = Load("""
            apiVersion: v1
            kind: Service
            metadata: {name: web, labels: {version: "2"}}
            spec:
              ports: [{port: 80, targetPort: http, name: "80"}]
            """);

        var port = docs[0].Object.Spec!["ports"]![0]!;
        Assert.Equal(80, (long)port["port"]!);
        Assert.Equal("http", (string?)port["targetPort"]);
        Assert.Equal("80", (string?)port["name"]);
        Assert.Equal("2", docs[0].Object.Labels["version"]);
    }

    [Fact]
    public void A_config_maps_keys_follow_Kubernetes_config_key_rules()
    {
        var (_, problems) = Load("""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
            data:
              GREETING: hello
              bad key: x
            binaryData:
              GREETING: aGk=
            """, "cm.yaml");

        Assert.Equal(
        [
            "cm.yaml:7: configmap/settings: data.bad key: a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name', or 'KEY_NAME', or 'key-name'), regex used for validation is '[-._a-zA-Z0-9]+'",
            "cm.yaml:9: configmap/settings: binaryData.GREETING: duplicate of key GREETING present in data",
        ], problems.Select(p => p.ToString()));
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_named_with_its_line_and_what_the_field_takes()
    {
        var (_, problems) = Load("""
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: "3"
              selector:
                matchLabels: {app: web}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers: web
            """, "web.yaml");

        Assert.Equal(
        [
            "web.yaml:6: deployment.apps/web: spec.replicas: must be a whole number, not a string (quoted)",
            "web.yaml:12: deployment.apps/web: spec.template.spec.containers: must be a list, not a string (quoted)",
        ], problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Problems_name_the_file_the_line_the_object_and_the_field()
    {
        var (_, problems) = Load("""
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: -1
              selector:
                matchLabels: {app: web}
              template:
                metadata: {labels: {app: other}}
                spec:
                  hostNetwork: true
                  containers:
                    - name: app
            """, "web.yaml");

        Assert.Equal(
        [
            "web.yaml:6: deployment.apps/web: spec.replicas: must be a whole number, 0 or more",
            "web.yaml:10: deployment.apps/web: spec.template.metadata.labels: must include every label of spec.selector.matchLabels, or the deployment would not own its pods",
            "web.yaml:14: deployment.apps/web: spec.template.spec.containers[0].image: required (whoami, hello, echo, counter, toolbox or stress)",
            "web.yaml:12: deployment.apps/web: spec.template.spec.hostNetwork: not supported: every Edge pod has its own sandbox; use a NodePort or LoadBalancer Service to reach the board's address",
        ], problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Service_rules_follow_Kubernetes()
    {
        var (_, problems) = Load("""
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec:
              type: ClusterIP
              ports:
                - {port: 80, nodePort: 30080}
                - {port: 70000, protocol: SCTP}
            """);

        Assert.Contains(problems, p => p.Field == "spec.ports[0].name" && p.Message.Contains("more than one port"));
        Assert.Contains(problems, p => p.Field == "spec.ports[0].nodePort" && p.Message.Contains("only NodePort and LoadBalancer"));
        Assert.Contains(problems, p => p.Field == "spec.ports[1].port" && p.Line == 8);
        Assert.Contains(problems, p => p.Field == "spec.ports[1].protocol" && p.Message.Contains("TCP or UDP"));
    }

    [Fact]
    public void Unknown_kinds_broken_YAML_and_volumes_say_what_to_do()
    {
        Assert.Contains("Edge does not keep StatefulSet objects; it keeps Namespace, Node, Pod",
            Load("apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\n").Problems.Single().ToString());

        ManifestProblem broken = Load("apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n").Problems.Single();
        Assert.StartsWith("app.yaml:", broken.ToString());
        Assert.Contains("not valid YAML", broken.Message);

        var (_, problems) = Load("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  volumes: [{name: data}]\n  containers: [{name: a, image: hello}]\n");
        Assert.True(problems.Single().IsWarning);
        Assert.Contains("ignored: boards have no storage", problems.Single().Message);
    }

    [Fact]
    public void Lists_are_unwrapped_and_empty_documents_skipped()
    {
        var (docs, problems) = Load("""
            ---
            apiVersion: v1
            kind: List
            items:
              - {apiVersion: v1, kind: Pod, metadata: {name: a}, spec: {containers: [{name: c, image: hello}]}}
              - {apiVersion: v1, kind: Pod, metadata: {name: b}, spec: {containers: [{name: c, image: hello}]}}
            ---
            ---
            """);

        Assert.Empty(problems);
        Assert.Equal(["a", "b"], docs.Select(d => d.Object.Name));
    }

    [Fact]
    public void The_documentations_NetworkPolicy_example_validates()
    {
        var (_, problems) = Load("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: test-network-policy
              namespace: default
            spec:
              podSelector:
                matchLabels:
                  role: db
              policyTypes:
                - Ingress
                - Egress
              ingress:
                - from:
                    - ipBlock:
                        cidr: 172.17.0.0/16
                        except:
                          - 172.17.1.0/24
                    - namespaceSelector:
                        matchLabels:
                          project: myproject
                    - podSelector:
                        matchLabels:
                          role: frontend
                  ports:
                    - protocol: TCP
                      port: 6379
              egress:
                - to:
                    - ipBlock:
                        cidr: 10.0.0.0/24
                  ports:
                    - protocol: TCP
                      port: 5978
                      endPort: 6000
                    - port: dns-tcp
            """);

        Assert.Empty(problems);
    }

    [Fact]
    public void NetworkPolicy_ports_follow_Kubernetes_endPort_rules()
    {
        var (_, problems) = Load("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: ports}
            spec:
              podSelector: {}
              ingress:
                - ports:
                    - {port: 80, endPort: 70}
                    - {port: http, endPort: 90}
                    - {protocol: UDP, endPort: 90}
                    - {protocol: ICMP}
                    - {port: 0}
                    - {port: "Not_A-Name"}
            """, "netpol.yaml");

        Assert.Equal(
        [
            "netpol.yaml:8: networkpolicy.networking.k8s.io/ports: spec.ingress[0].ports[0].endPort: Invalid value: 70: must be greater than or equal to port (80): the range is port..endPort; make endPort 80 or more, or leave it out for port 80 alone",
            "netpol.yaml:9: networkpolicy.networking.k8s.io/ports: spec.ingress[0].ports[1].endPort: Invalid value: 90: may not be specified when `port` is non-numeric: a range needs a port number in `port`",
            "netpol.yaml:10: networkpolicy.networking.k8s.io/ports: spec.ingress[0].ports[2].endPort: Invalid value: 90: may not be specified when `port` is not specified: give the range's first port in `port`",
            "netpol.yaml:11: networkpolicy.networking.k8s.io/ports: spec.ingress[0].ports[3].protocol: Unsupported value: \"ICMP\": supported values: \"TCP\", \"UDP\", \"SCTP\" (to allow every protocol, ICMP too, leave `ports` out of the rule)",
            "netpol.yaml:12: networkpolicy.networking.k8s.io/ports: spec.ingress[0].ports[4].port: Invalid value: 0: must be between 1 and 65535, inclusive",
            "netpol.yaml:13: networkpolicy.networking.k8s.io/ports: spec.ingress[0].ports[5].port: Invalid value: \"Not_A-Name\": must be a port number 1-65535 (unquoted) or a container port's name (at most 15 lower-case letters, digits and '-', with a letter)",
        ], problems.Select(p => p.ToString()));
    }

    [Fact]
    public void NetworkPolicy_peers_ipBlocks_and_policyTypes_follow_Kubernetes()
    {
        var (_, problems) = Load("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: peers}
            spec:
              podSelector: {matchExpressions: [{key: app, operator: In}]}
              policyTypes: [Ingress, egress]
              ingress:
                - from:
                    - {}
                    - {ipBlock: {cidr: 10.0.0.0/8}, podSelector: {}}
                    - ipBlock: {cidr: 10.0.0.1/8, except: [10.1.0.0/16]}
                    - ipBlock: {cidr: 10.0.0.0/8, except: [10.0.0.0/8, 192.168.0.0/16, 10.2.0.0/33]}
                    - ipBlock: {cidr: "fd00::/8"}
              egress:
                - from: [{podSelector: {}}]
            """);

        string[] Messages(string field) => problems.Where(p => p.Field == field).Select(p => p.Message).ToArray();
        Assert.Equal(["must be specified when `operator` is 'In': list the label values"], Messages("spec.podSelector.matchExpressions[0].values"));
        Assert.Equal(["Unsupported value: \"egress\": supported values: \"Ingress\", \"Egress\""], Messages("spec.policyTypes[1]"));
        Assert.StartsWith("must specify a peer", Messages("spec.ingress[0].from[0]").Single());
        Assert.StartsWith("may not specify both ipBlock and another peer", Messages("spec.ingress[0].from[1]").Single());
        Assert.Equal(["Invalid value: \"10.0.0.1/8\": must not have bits set beyond the prefix length: write 10.0.0.0/8"], Messages("spec.ingress[0].from[2].ipBlock.cidr"));
        Assert.Contains("must be a strict subset of `cidr` (10.0.0.0/8)", Messages("spec.ingress[0].from[3].ipBlock.except[0]").Single());
        Assert.Contains("must be a strict subset of `cidr`", Messages("spec.ingress[0].from[3].ipBlock.except[1]").Single());
        Assert.Contains("must be a valid CIDR value", Messages("spec.ingress[0].from[3].ipBlock.except[2]").Single());
        Assert.True(problems.Single(p => p.Field == "spec.ingress[0].from[4].ipBlock.cidr").IsWarning);
        Assert.Equal(["not a field of an egress rule: egress rules name their peers in `to`; as written, with no `to`, this rule allows every peer"], Messages("spec.egress[0].from"));
    }

    [Fact]
    public void NetworkPolicy_rules_of_a_direction_policyTypes_leaves_out_are_a_warning()
    {
        var (_, problems) = Load("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: egress-only}
            spec:
              podSelector: {}
              policyTypes: [Egress]
              ingress: [{}]
              egress: [{to: [{namespaceSelector: {}}]}]
            """);

        ManifestProblem warning = Assert.Single(problems);
        Assert.True(warning.IsWarning);
        Assert.Equal("spec.ingress", warning.Field);
        Assert.Contains("policyTypes does not list Ingress", warning.Message);
    }
}
