using System.Text.Json.Nodes;
using Edge.Dataplane.Ingress;
using Edge.Host.Cluster;
using Edge.Host.Compile;
using Edge.Host.Objects;

namespace Edge.Host.Tests.Compile;

/// <summary>
/// The routes every board gets from the Ingresses Edge serves: one per rule host and path and one
/// per defaultBackend, hosts lower-cased, named service ports resolved, older Ingresses first,
/// other classes' Ingresses left out.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class IngressRouteCompilerTests
{
    private static KubeObject Obj(string json) => new((JsonObject)JsonNode.Parse(json)!);

    private static readonly KubeObject[] Classes =
    [
        DefaultIngressClass.New(),
        Obj("""{"kind": "IngressClass", "metadata": {"name": "nginx"}, "spec": {"controller": "k8s.io/ingress-nginx"}}"""),
    ];

    private static readonly KubeObject[] Services =
    [
        Obj("""{"kind": "Service", "metadata": {"name": "web", "namespace": "shop"}, "spec": {"clusterIP": "10.96.0.20", "ports": [{"name": "http", "port": 8080}]}}"""),
    ];

    private static readonly KubeObject Apps = Obj("""
        {"kind": "Ingress", "metadata": {"name": "apps", "namespace": "shop", "creationTimestamp": "2026-12-05T08:00:00Z"},
         "spec": {"defaultBackend": {"service": {"name": "web", "port": {"name": "http"}}},
                  "rules": [{"host": "Shop.Example", "http": {"paths": [
                              {"path": "/cart", "pathType": "Prefix", "backend": {"service": {"name": "cart", "port": {"number": 80}}}},
                              {"path": "/", "pathType": "Exact", "backend": {"service": {"name": "web", "port": {"name": "http"}}}}]}},
                            {"http": {"paths": [{"pathType": "ImplementationSpecific", "backend": {"service": {"name": "web", "port": {"name": "nope"}}}}]}}]}}
        """);

    private static readonly KubeObject Older = Obj("""
        {"kind": "Ingress", "metadata": {"name": "zz-older", "namespace": "default", "creationTimestamp": "2026-12-01T08:00:00Z"},
         "spec": {"ingressClassName": "edge", "rules": [{"host": "*.lab.example", "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "whoami", "port": {"number": 80}}}}]}}]}}
        """);

    private static readonly KubeObject Nginx = Obj("""
        {"kind": "Ingress", "metadata": {"name": "theirs", "namespace": "default"},
         "spec": {"ingressClassName": "nginx", "rules": [{"http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "x", "port": {"number": 80}}}}]}}]}}
        """);

    [Fact]
    public void Every_path_and_default_backend_of_Edges_Ingresses_becomes_a_route_older_Ingresses_first()
    {
        IngressRoutes routes = IngressRouteCompiler.Compile([Apps, Nginx, Older], Classes, Services)!;

        var got = Enumerable.Range(0, routes.Count).Select(i =>
            (routes.Hosts[i], routes.Paths[i], routes.PathTypes[i], routes.Namespaces[i], routes.ServiceNames[i], (int)routes.ServicePorts[i]));
        Assert.Equal(
        [
            ("*.lab.example", "/", PathType.Prefix, "default", "whoami", 80),
            ("shop.example", "/cart", PathType.Prefix, "shop", "cart", 80),
            ("shop.example", "/", PathType.Exact, "shop", "web", 8080), // the named port, resolved
            ("", "/", PathType.ImplementationSpecific, "shop", "web", 0), // no such port name: the board answers 503
            ("", "", PathType.Default, "shop", "web", 8080),
        ], got);
    }

    [Fact]
    public void No_Ingress_of_Edges_class_means_no_routes()
    {
        Assert.Null(IngressRouteCompiler.Compile([Nginx], Classes, Services));
        Assert.Null(IngressRouteCompiler.Compile([Apps], [Classes[1]], Services)); // no default class
    }

    private static readonly KubeObject Guarded = Obj("""
        {"kind": "Ingress", "metadata": {"name": "guarded", "namespace": "default", "creationTimestamp": "2026-12-02T08:00:00Z",
           "annotations": {"nginx.ingress.kubernetes.io/whitelist-source-range": "10.0.0.0/8, 192.168.50.7, 172.16.3.4/12"}},
         "spec": {"rules": [{"host": "lab.example", "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}}
        """);

    private static KubeObject CanaryFor(string host, string path, string weight, string? header = null)
    {
        KubeObject canary = Obj("""
            {"kind": "Ingress", "metadata": {"name": "canary-WEIGHT", "namespace": "default", "creationTimestamp": "2026-12-03T08:00:00Z",
               "annotations": {"nginx.ingress.kubernetes.io/canary": "true", "nginx.ingress.kubernetes.io/canary-weight": "WEIGHT", "nginx.ingress.kubernetes.io/canary-weight-total": "200"}},
             "spec": {"rules": [{"host": "HOST", "http": {"paths": [{"path": "PATH", "pathType": "Prefix", "backend": {"service": {"name": "web-v2", "port": {"number": 80}}}}]}}]}}
            """.Replace("WEIGHT", weight).Replace("HOST", host).Replace("PATH", path));
        if (header != null)
        {
            canary.Metadata["annotations"]!["nginx.ingress.kubernetes.io/canary-by-header"] = header;
        }

        return canary;
    }

    [Fact]
    public void A_whitelist_becomes_the_routes_allowlist_and_a_canary_joins_the_route_of_its_host_and_path()
    {
        IngressRoutes routes = IngressRouteCompiler.Compile([Guarded, CanaryFor("lab.example", "/", "50", "X-Canary"), CanaryFor("nowhere.example", "/", "10")], Classes, Services)!;

        Assert.Equal(1, routes.Count); // canaries are no routes of their own; one without a main Ingress is not served
        RouteAnnotations a = routes.Annotations!;
        Assert.Equal(3, a.AllowCount[0]);
        Assert.True(a.Allows(0, 0x0A0B0C0D) && a.Allows(0, 0xC0A83207) && a.Allows(0, 0xAC1F0001), "10/8, a single address, 172.16/12 (host bits ignored)");
        Assert.False(a.Allows(0, 0xC0A83208));
        Assert.Equal(("web-v2", (ushort)80, (byte)25, "x-canary"), (a.CanaryServices[0], a.CanaryPorts[0], a.CanaryWeights[0], a.CanaryHeaders[0])); // 50 of 200
    }

    [Fact]
    public void Routes_without_annotations_carry_none()
    {
        Assert.Null(IngressRouteCompiler.Compile([Apps], Classes, Services)!.Annotations);
    }

    /// <summary>An Edge Ingress with one "/" rule per host, the given annotations and spec.tls.</summary>
    private static KubeObject Web(string name, string[] hosts, string? tls = null, string created = "2026-12-05T08:00:00Z", params (string Name, string Value)[] annotations)
    {
        KubeObject ingress = Obj("""
            {"kind": "Ingress", "metadata": {"name": "NAME", "namespace": "default", "creationTimestamp": "CREATED"}, "spec": {"ingressClassName": "edge", "rules": []}}
            """.Replace("NAME", name).Replace("CREATED", created));
        foreach (string host in hosts)
        {
            ingress.Spec!["rules"]!.AsArray().Add(JsonNode.Parse("""
                {"host": "HOST", "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}
                """.Replace("HOST", host)));
        }

        if (tls != null)
        {
            ingress.Spec!["tls"] = JsonNode.Parse(tls);
        }

        if (annotations.Length > 0)
        {
            ingress.Metadata["annotations"] = new JsonObject(annotations.Select(a => KeyValuePair.Create(a.Name, (JsonNode?)a.Value)));
        }

        return ingress;
    }

    private static Dictionary<string, bool> Redirects(params KubeObject[] ingresses)
    {
        IngressRoutes routes = IngressRouteCompiler.Compile(ingresses, Classes, Services)!;
        return Enumerable.Range(0, routes.Count).ToDictionary(i => $"{routes.Hosts[i]}{routes.Paths[i]}", i => routes.Annotations?.SslRedirects[i] ?? false);
    }

    [Fact]
    public void Plain_HTTP_to_a_host_with_TLS_is_redirected_unless_ssl_redirect_says_false()
    {
        Assert.Equal(new Dictionary<string, bool> { ["shop.example/"] = true, ["www.shop.example/"] = true },
            Redirects(Web("shop", ["Shop.Example", "www.shop.example"], """[{"hosts": ["shop.example"], "secretName": "shop-tls"}]""")));

        // As ingress-nginx: a tls entry enables TLS for its Ingress's rule hosts, listed or not (an
        // unlisted one gets the default certificate there), even with its Secret missing.
        Assert.True(Redirects(Web("any", ["shop.example"], """[{"secretName": "missing"}]"""))["shop.example/"]);

        Assert.Equal(new Dictionary<string, bool> { ["shop.example/"] = false },
            Redirects(Web("shop", ["shop.example"], """[{"hosts": ["shop.example"], "secretName": "shop-tls"}]""", annotations: (IngressAnnotations.SslRedirect, "false"))));
        Assert.Equal(new Dictionary<string, bool> { ["shop.example/"] = false },
            Redirects(Web("shop", ["shop.example"], """[{"hosts": ["shop.example"], "secretName": "shop-tls"}]""", annotations: (IngressAnnotations.SslRedirect, "F"))));
    }

    [Fact]
    public void Without_TLS_only_force_ssl_redirect_redirects_and_a_host_without_a_name_never_has_TLS()
    {
        Assert.Null(IngressRouteCompiler.Compile([Web("plain", ["shop.example"])], Classes, Services)!.Annotations); // nothing to carry

        Assert.Equal(new Dictionary<string, bool> { ["shop.example/"] = true, ["/"] = true },
            Redirects(Web("forced", ["shop.example", ""], annotations: (IngressAnnotations.ForceSslRedirect, "true"))));
        Assert.Equal(new Dictionary<string, bool> { ["shop.example/"] = true, ["/"] = false },
            Redirects(Web("catch-all", ["shop.example", ""], """[{"hosts": ["shop.example"], "secretName": "shop-tls"}]""")));

        // Not a boolean: ingress-nginx takes the default (ssl-redirect true, force-ssl-redirect false).
        Assert.Equal(new Dictionary<string, bool> { ["shop.example/"] = false },
            Redirects(Web("forced", ["shop.example"], annotations: (IngressAnnotations.ForceSslRedirect, "yes"))));
    }

    [Fact]
    public void One_Ingresses_TLS_enables_it_for_another_Ingresses_rules_on_the_same_host()
    {
        IngressRoutes routes = IngressRouteCompiler.Compile(
        [
            Web("api", ["shop.example"], created: "2026-12-01T08:00:00Z"),
            Web("shop", ["shop.example"], """[{"hosts": ["shop.example"], "secretName": "shop-tls"}]"""),
            Web("other", ["other.example"], created: "2026-12-02T08:00:00Z"),
        ], Classes, Services)!;

        // ingress-nginx's one server for the host has the certificate, whichever Ingress brought it.
        Assert.Equal(["shop.example", "other.example", "shop.example"], routes.Hosts);
        Assert.Equal([true, false, true], routes.Annotations!.SslRedirects);
    }
}
