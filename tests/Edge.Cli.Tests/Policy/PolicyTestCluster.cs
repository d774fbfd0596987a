using Edge.Cli.Commands.Policy;
using Edge.Host.Manifests;
using Edge.Host.Objects;

namespace Edge.Cli.Tests.Policy;

/// <summary>
/// A small cluster with policies, shared by the `policy check` tests:
/// <code>
/// node-1  10.244.1.0/24   x/a 10.244.1.2 (app=a)   x/c 10.244.1.3 (app=c)   x/web-1 10.244.1.4 (app=web, zone=one; http 8080)
/// node-2  10.244.2.0/24   x/b 10.244.2.2 (app=b; http 8080)   y/d 10.244.2.3 (app=d)   x/web-2 10.244.2.4 (app=web; http 8080)
/// x/pending: no node, no IP.   svc x/web 10.96.0.20:80 -> http (8080) on web-1 and web-2
/// x/allow-from-a          app=b takes app=a on 8080
/// x/default-deny-ingress  app=c takes nothing
/// x/both                  app=a takes anything, sends only to 10.244.0.0/16
/// x/web-from-a            app=web takes app=nobody (no such pod: left out), then app=a on http
/// x/zone-one-from-c       zone=one takes app=c
/// y/egress-dns-only       every pod of y sends only DNS over UDP to kube-system's kube-dns
/// </code>
/// </summary>
public static class PolicyTestCluster
{
    public const string Yaml = """
        apiVersion: v1
        kind: Node
        metadata: {name: node-1}
        spec: {podCIDR: 10.244.1.0/24}
        status: {addresses: [{type: InternalIP, address: 198.51.100.1}]}
        ---
        apiVersion: v1
        kind: Node
        metadata: {name: node-2}
        spec: {podCIDR: 10.244.2.0/24}
        status: {addresses: [{type: InternalIP, address: 198.51.100.2}]}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: x}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: y, labels: {team: y}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: a, namespace: x, labels: {app: a}}
        spec: {nodeName: node-1, containers: [{name: main, image: toolbox}]}
        status: {phase: Running, podIP: 10.244.1.2}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: c, namespace: x, labels: {app: c}}
        spec: {nodeName: node-1, containers: [{name: main, image: toolbox}]}
        status: {phase: Running, podIP: 10.244.1.3}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: web-1, namespace: x, labels: {app: web, zone: one}}
        spec: {nodeName: node-1, containers: [{name: main, image: whoami, ports: [{name: http, containerPort: 8080}]}]}
        status: {phase: Running, podIP: 10.244.1.4}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: b, namespace: x, labels: {app: b}}
        spec: {nodeName: node-2, containers: [{name: main, image: whoami, ports: [{name: http, containerPort: 8080}]}]}
        status: {phase: Running, podIP: 10.244.2.2}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: d, namespace: y, labels: {app: d}}
        spec: {nodeName: node-2, containers: [{name: main, image: toolbox}]}
        status: {phase: Running, podIP: 10.244.2.3}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: web-2, namespace: x, labels: {app: web}}
        spec: {nodeName: node-2, containers: [{name: main, image: whoami, ports: [{name: http, containerPort: 8080}]}]}
        status: {phase: Running, podIP: 10.244.2.4}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: pending, namespace: x, labels: {app: a}}
        spec: {containers: [{name: main, image: toolbox}]}
        status: {phase: Pending}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: x}
        spec: {clusterIP: 10.96.0.20, selector: {app: web}, ports: [{port: 80, targetPort: http}]}
        ---
        apiVersion: v1
        kind: Endpoints
        metadata: {name: web, namespace: x}
        subsets:
        - addresses:
          - {ip: 10.244.1.4, nodeName: node-1, targetRef: {kind: Pod, name: web-1, namespace: x}}
          - {ip: 10.244.2.4, nodeName: node-2, targetRef: {kind: Pod, name: web-2, namespace: x}}
          ports: [{port: 8080, protocol: TCP}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-from-a, namespace: x}
        spec:
          podSelector: {matchLabels: {app: b}}
          ingress:
          - from: [{podSelector: {matchLabels: {app: a}}}]
            ports: [{port: 8080}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: default-deny-ingress, namespace: x}
        spec:
          podSelector: {matchLabels: {app: c}}
          policyTypes: [Ingress]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: both, namespace: x}
        spec:
          podSelector: {matchLabels: {app: a}}
          policyTypes: [Ingress, Egress]
          ingress: [{}]
          egress:
          - to: [{ipBlock: {cidr: 10.244.0.0/16}}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: web-from-a, namespace: x}
        spec:
          podSelector: {matchLabels: {app: web}}
          ingress:
          - from: [{podSelector: {matchLabels: {app: nobody}}}]
          - from: [{podSelector: {matchLabels: {app: a}}}]
            ports: [{port: http}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: zone-one-from-c, namespace: x}
        spec:
          podSelector: {matchLabels: {zone: one}}
          ingress:
          - from: [{podSelector: {matchLabels: {app: c}}}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: egress-dns-only, namespace: y}
        spec:
          podSelector: {}
          policyTypes: [Egress]
          egress:
          - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]
            ports: [{port: 53, protocol: UDP}]
        """;

    /// <summary>Every object of <see cref="Yaml"/>; the policies pass `apply`'s checks.</summary>
    public static List<KubeObject> Objects()
    {
        var docs = new List<ManifestDocument>();
        var problems = new List<ManifestProblem>();
        ManifestReader.Parse("cluster.yaml", Yaml, docs, problems);
        Assert.Empty(problems);
        Assert.DoesNotContain(docs.Where(d => d.Object.Kind == "NetworkPolicy").SelectMany(ManifestValidator.Validate), p => !p.IsWarning);
        return docs.Select(d => d.Object).ToList();
    }

    public static PolicyCluster Cluster()
    {
        List<KubeObject> all = Objects();
        List<KubeObject> Of(string kind) => all.Where(o => o.Kind == kind).ToList();
        return new PolicyCluster(Of("Pod"), Of("Namespace"), Of("NetworkPolicy"), Of("Node"), Of("Service"), Of("Endpoints"), PolicyCluster.Network.DnsServiceIp);
    }
}
