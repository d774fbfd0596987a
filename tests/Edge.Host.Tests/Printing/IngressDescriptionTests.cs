using System.Text.Json.Nodes;
using Edge.Host.Objects;
using Edge.Host.Printing;

namespace Edge.Host.Tests.Printing;

/// <summary>
/// `describe ingress` as kubectl prints it, column for column (Go's tabwriter, trailing spaces
/// and all), with Edge's line about the controller annotations it ignores.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class IngressDescriptionTests
{
    private static readonly DateTime Now = new(2026, 12, 5, 9, 0, 0, DateTimeKind.Utc);

    private static KubeObject Parse(string json) => new((JsonObject)JsonNode.Parse(json)!);

    private static readonly Dictionary<string, KubeObject> Services = new()
    {
        ["web"] = Parse("""{"kind": "Service", "metadata": {"name": "web", "namespace": "default"}, "spec": {"ports": [{"port": 80, "targetPort": 8080}]}}"""),
        ["api"] = Parse("""{"kind": "Service", "metadata": {"name": "api", "namespace": "default"}, "spec": {"ports": [{"name": "http", "port": 80}, {"name": "metrics", "port": 9090}]}}"""),
    };

    private static readonly Dictionary<string, KubeObject> Endpoints = new()
    {
        ["web"] = Parse("""
            {"kind": "Endpoints", "metadata": {"name": "web", "namespace": "default"},
             "subsets": [{"addresses": [{"ip": "10.244.1.2"}, {"ip": "10.244.2.2"}], "notReadyAddresses": [{"ip": "10.244.3.2"}], "ports": [{"port": 8080}]}]}
            """),
        ["api"] = Parse("""
            {"kind": "Endpoints", "metadata": {"name": "api", "namespace": "default"},
             "subsets": [{"addresses": [{"ip": "10.244.1.3"}, {"ip": "10.244.1.4"}, {"ip": "10.244.2.3"}, {"ip": "10.244.3.3"}],
                          "ports": [{"name": "http", "port": 8000}, {"name": "metrics", "port": 9090}]}]}
            """),
    };

    private static string Describe(KubeObject ingress, params KubeObject[] events) =>
        IngressDescription.Of(ingress, name => Services.GetValueOrDefault(name), name => Endpoints.GetValueOrDefault(name), events, Now);

    [Fact]
    public void Rules_TLS_and_each_backends_endpoints_line_up_as_kubectls()
    {
        KubeObject ingress = Parse("""
            {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
             "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"},
                          "annotations": {"team": "edge", "nginx.ingress.kubernetes.io/proxy-body-size": "8m",
                                          "kubectl.kubernetes.io/last-applied-configuration": "{}"}},
             "spec": {"ingressClassName": "edge",
                      "tls": [{"hosts": ["web.example.com"], "secretName": "web-tls"}],
                      "rules": [{"host": "web.example.com", "http": {"paths": [
                                    {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 80}}}},
                                    {"path": "/api", "pathType": "Prefix", "backend": {"service": {"name": "api", "port": {"name": "http"}}}}]}},
                                {"http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "missing", "port": {"number": 80}}}}]}}]},
             "status": {"loadBalancer": {"ingress": [{"ip": "192.168.50.12"}, {"ip": "192.168.50.11"}]}}}
            """);

        Assert.Equal(string.Join("\n",
            "Name:             web",
            "Labels:           app=web",
            "Namespace:        default",
            "Address:          192.168.50.11,192.168.50.12",
            "Ingress Class:    edge",
            "Default backend:  <default>",
            "TLS:",
            "  web-tls terminates web.example.com",
            "Rules:",
            "  Host             Path  Backends",
            "  ----             ----  --------",
            "  web.example.com  ",
            "                   /      web:80 (10.244.1.2:8080,10.244.2.2:8080)",
            "                   /api   api:http (10.244.1.3:8000,10.244.1.4:8000,10.244.2.3:8000 + 1 more...)",
            "  *                ",
            "                   /   missing:80 (<error: endpoints \"missing\" not found>)",
            "Annotations:       nginx.ingress.kubernetes.io/proxy-body-size: 8m",
            "                   team: edge",
            "Ignored annotations:  nginx.ingress.kubernetes.io/proxy-body-size",
            "Events:               <none>",
            ""), Describe(ingress));
    }

    [Fact]
    public void A_default_backend_alone_is_the_rule_for_every_host_and_path_and_events_come_last()
    {
        KubeObject ingress = Parse("""
            {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "default-only", "namespace": "default"},
             "spec": {"defaultBackend": {"service": {"name": "web", "port": {"number": 80}}}}}
            """);
        KubeObject synced = Parse("""
            {"kind": "Event", "metadata": {"name": "default-only.1", "namespace": "default"}, "type": "Normal", "reason": "Sync",
             "message": "Scheduled for sync", "source": {"component": "edge-controllers"}, "lastTimestamp": "2026-12-05T08:59:30Z"}
            """);

        Assert.Equal(string.Join("\n",
            "Name:             default-only",
            "Labels:           <none>",
            "Namespace:        default",
            "Address:          ",
            "Ingress Class:    <none>",
            "Default backend:  web:80 (10.244.1.2:8080,10.244.2.2:8080)",
            "Rules:",
            "  Host        Path  Backends",
            "  ----        ----  --------",
            "  *           *     web:80 (10.244.1.2:8080,10.244.2.2:8080)",
            "Annotations:  <none>",
            "Events:",
            "  Type    Reason  Age   From              Message",
            "  ----    ------  ----  ----              -------",
            "  Normal  Sync    30s   edge-controllers  Scheduled for sync",
            ""), Describe(ingress, synced));
    }

    [Fact]
    public void Backends_read_as_kubectl_reads_them_whatever_is_missing()
    {
        KubeObject ingress = Parse("""
            {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "odd", "namespace": "default"},
             "spec": {"rules": [{"host": "a.example.com", "http": {"paths": [
                 {"path": "/metrics", "pathType": "Exact", "backend": {"service": {"name": "api", "port": {"number": 9090}}}},
                 {"path": "/other", "pathType": "Exact", "backend": {"service": {"name": "api", "port": {"number": 81}}}},
                 {"path": "/bucket", "pathType": "Prefix", "backend": {"resource": {"apiGroup": "k8s.example.com", "kind": "StorageBucket", "name": "assets"}}}]}}]}}
            """);

        string text = Describe(ingress);

        Assert.Contains("/metrics   api:9090 (10.244.1.3:9090,10.244.1.4:9090,10.244.2.3:9090 + 1 more...)\n", text);
        Assert.Contains("/other     api:81 (<none>)\n", text); // no service port 81: no endpoints port named as it
        Assert.Contains("/bucket    APIGroup: k8s.example.com, Kind: StorageBucket, Name: assets\n", text);
        Assert.DoesNotContain("Ignored annotations", text);
    }

    [Fact]
    public void Only_controller_annotations_Edge_does_not_implement_are_ignored_ones()
    {
        KubeObject ingress = Parse("""
            {"kind": "Ingress", "metadata": {"name": "x", "annotations": {
                "traefik.ingress.kubernetes.io/router.middlewares": "m", "ingress.kubernetes.io/ssl-redirect": "true",
                "nginx.ingress.kubernetes.io/ssl-redirect": "true", "kubernetes.io/ingress.class": "edge", "example.com/owner": "me",
                "nginx.ingress.kubernetes.io/whitelist-source-range": "10.0.0.0/8", "nginx.ingress.kubernetes.io/canary": "false"}}}
            """);

        Assert.Equal(
            ["nginx.ingress.kubernetes.io/allowlist-source-range", "nginx.ingress.kubernetes.io/canary", "nginx.ingress.kubernetes.io/canary-by-header",
             "nginx.ingress.kubernetes.io/canary-by-header-value", "nginx.ingress.kubernetes.io/canary-weight", "nginx.ingress.kubernetes.io/canary-weight-total",
             "nginx.ingress.kubernetes.io/force-ssl-redirect", "nginx.ingress.kubernetes.io/rewrite-target", "nginx.ingress.kubernetes.io/ssl-redirect",
             "nginx.ingress.kubernetes.io/use-regex", "nginx.ingress.kubernetes.io/whitelist-source-range"],
            IngressAnnotations.Supported.Order(StringComparer.Ordinal));
        Assert.Equal(
            ["ingress.kubernetes.io/ssl-redirect", "traefik.ingress.kubernetes.io/router.middlewares"], // the old generic name is not ingress-nginx's
            IngressAnnotations.Ignored(ingress));
    }

    private static KubeObject Node(string name, int tlsSessions, bool ready = true) => Parse("""
        {"kind": "Node", "metadata": {"name": "NAME"},
         "status": {"allocatable": {"edge.dev/tls-sessions": "TLS", "pods": "8"}, "conditions": [{"type": "Ready", "status": "READY"}]}}
        """.Replace("NAME", name).Replace("TLS", tlsSessions.ToString()).Replace("READY", ready ? "True" : "False"));

    private static readonly KubeObject Secured = Parse("""
        {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "web", "namespace": "default"},
         "spec": {"tls": [{"hosts": ["web.example.com"], "secretName": "web-tls"}, {"secretName": "any-tls"}],
                  "rules": [{"host": "web.example.com", "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}}
        """);

    [Fact]
    public void An_ingress_with_TLS_says_which_boards_terminate_it_and_which_serve_HTTP_only()
    {
        string text = IngressDescription.Of(Secured, name => Services.GetValueOrDefault(name), name => Endpoints.GetValueOrDefault(name), [], Now,
            [Node("node-3", 8), Node("node-2", 0), Node("node-1", 4), Node("node-4", 0), Node("node-5", 4, ready: false)]);

        Assert.Equal(string.Join("\n",
            "TLS:",
            "  web-tls terminates web.example.com",
            "  any-tls terminates ", // kubectl's, hosts and all: none to join
            "Rules:"), string.Join("\n", text.Split('\n').SkipWhile(l => l != "TLS:").Take(4)));
        Assert.Equal(
        [
            "Annotations:       <none>",
            "TLS terminated on:  node-1 (4 sessions), node-3 (8 sessions)",
            "HTTP only on:       node-2, node-4 (take no TLS sessions)",
            "Events:             <none>",
            "",
        ], text.Split('\n')[^5..]);
    }

    [Fact]
    public void With_no_board_that_takes_TLS_sessions_the_description_says_none_terminates_it()
    {
        string text = IngressDescription.Of(Secured, name => Services.GetValueOrDefault(name), name => Endpoints.GetValueOrDefault(name), [], Now, [Node("node-1", 0)]);

        Assert.Contains("TLS terminated on:  <none>: no board takes TLS sessions (WROOM boards take none)\n", text);
        Assert.DoesNotContain("HTTP only on", text);
        Assert.DoesNotContain("TLS terminated on", Describe(Secured)); // not told the nodes: kubectl's lines alone
    }
}
