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
}
