using Edge.Host.Manifests;
using Edge.Host.Objects;
using Edge.Host.Printing;

namespace Edge.Cli.Tests.Policy;

/// <summary>`describe networkpolicy` as kubectl words it (kubectl's describeNetworkPolicy), for the shapes a policy takes.</summary>
[Trait("Category", Category.Unit)]
public sealed class NetworkPolicyDescriptionTests
{
    private static string Describe(string yaml)
    {
        var docs = new List<ManifestDocument>();
        var problems = new List<ManifestProblem>();
        ManifestReader.Parse("policy.yaml", yaml, docs, problems);
        Assert.Empty(problems);
        KubeObject policy = Assert.Single(docs).Object;
        policy.Metadata["creationTimestamp"] ??= "2026-12-04T10:00:00Z";
        return NetworkPolicyDescription.Of(policy);
    }

    [Fact]
    public void Rules_read_as_ports_then_peers_separated_by_dashes()
    {
        Assert.Equal("""
            Name:         allow-a
            Namespace:    x
            Created on:   2026-12-04 10:00:00 +0000 UTC
            Labels:       <none>
            Annotations:  <none>
            Spec:
              PodSelector:     app=web
              Allowing ingress traffic:
                To Port: 80/TCP
                From:
                  PodSelector: app=a
                From:
                  NamespaceSelector: team=x
                  PodSelector: app=b
                ----------
                To Port: <any> (traffic allowed to all ports)
                From: <any> (traffic not restricted by source)
              Not affecting egress traffic
              Policy Types: Ingress

            """, Describe("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: allow-a, namespace: x}
            spec:
              podSelector: {matchLabels: {app: web}}
              policyTypes: [Ingress]
              ingress:
              - ports: [{port: 80}]
                from:
                - podSelector: {matchLabels: {app: a}}
                - namespaceSelector: {matchLabels: {team: x}}
                  podSelector: {matchLabels: {app: b}}
              - {}
            """));
    }

    [Fact]
    public void Isolation_without_rules_ipBlocks_port_ranges_and_every_pod_of_the_namespace()
    {
        Assert.Equal("""
            Name:         lockdown
            Namespace:    shop
            Created on:   2026-12-04 10:00:00 +0000 UTC
            Labels:       app=pg
                          tier=db
            Annotations:  note: keep
            Spec:
              PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)
              Allowing ingress traffic:
                <none> (Selected pods are isolated for ingress connectivity)
              Allowing egress traffic:
                To Port: 53/UDP
                To Port Range: 8000-9000/TCP
                To Port: <any>/UDP
                To:
                  IPBlock:
                    CIDR: 172.17.0.0/16
                    Except: 172.17.1.0/24, 172.17.2.0/24
                ----------
                To Port: dns/UDP
                To:
                  NamespaceSelector: kubernetes.io/metadata.name in (api,web)
                ----------
                To Port: <any> (traffic allowed to all ports)
                To:
                  IPBlock:
                    CIDR: 10.0.0.0/8
                    Except:
              Policy Types: Ingress, Egress

            """, Describe("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: lockdown
              namespace: shop
              labels: {tier: db, app: pg}
              annotations: {note: keep, kubectl.kubernetes.io/last-applied-configuration: "{}"}
            spec:
              podSelector: {}
              policyTypes: [Ingress, Egress]
              egress:
              - to: [{ipBlock: {cidr: 172.17.0.0/16, except: [172.17.1.0/24, 172.17.2.0/24]}}]
                ports: [{protocol: UDP, port: 53}, {port: 8000, endPort: 9000}, {protocol: UDP}]
              - to: [{namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: In, values: [web, api]}]}}]
                ports: [{port: dns, protocol: UDP}]
              - to: [{ipBlock: {cidr: 10.0.0.0/8}}]
            """));
    }

    [Fact]
    public void Policy_types_left_out_read_as_the_API_server_defaults_them_and_selectors_sort_by_key()
    {
        string text = Describe("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: fe, namespace: default}
            spec:
              podSelector:
                matchLabels: {tier: fe}
                matchExpressions:
                - {key: env, operator: NotIn, values: [prod, dev]}
                - {key: canary, operator: DoesNotExist}
                - {key: app, operator: Exists}
              egress:
              - to: [{podSelector: {}}]
            """);

        Assert.Contains("""
            Spec:
              PodSelector:     app,!canary,env notin (dev,prod),tier=fe
              Allowing ingress traffic:
                <none> (Selected pods are isolated for ingress connectivity)
              Allowing egress traffic:
                To Port: <any> (traffic allowed to all ports)
                To:
                  PodSelector: <none>
              Policy Types: Ingress, Egress

            """, text);
        Assert.Contains("Policy Types: Ingress\n", Describe("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: ingress-only, namespace: default}
            spec: {podSelector: {}, egress: []}
            """));
    }
}
