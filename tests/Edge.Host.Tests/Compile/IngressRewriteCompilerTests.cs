using System.Text;
using System.Text.Json.Nodes;
using Edge.Dataplane.Ingress;
using Edge.Host.Cluster;
using Edge.Host.Compile;
using Edge.Host.Objects;

namespace Edge.Host.Tests.Compile;

/// <summary>
/// ingress-nginx's use-regex and rewrite-target on the routes a board gets: which routes go as
/// patterns, with which target, and how the board then chooses among a host's routes (run through
/// the board's own <see cref="RouteMatcher"/>), the groups it takes for the target with them.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class IngressRewriteCompilerTests
{
    private static readonly KubeObject[] Classes = [DefaultIngressClass.New()];

    /// <summary>An Ingress for host with these (path, pathType) rules to service "svc-N" (N the path's index), created at minute.</summary>
    private static KubeObject Ingress(string name, string host, int minute, (string Path, string Type)[] paths, params (string Name, string Value)[] annotations)
    {
        var ingress = new KubeObject((JsonObject)JsonNode.Parse("""
            {"kind": "Ingress", "metadata": {"name": "NAME", "namespace": "default", "creationTimestamp": "2026-12-05T08:MINUTE:00Z"},
             "spec": {"rules": [{"host": "HOST", "http": {"paths": []}}]}}
            """.Replace("NAME", name).Replace("MINUTE", $"{minute:00}").Replace("HOST", host))!);
        JsonArray list = ingress.Spec!["rules"]![0]!["http"]!["paths"]!.AsArray();
        for (int i = 0; i < paths.Length; i++)
        {
            list.Add(new JsonObject
            {
                ["path"] = paths[i].Path,
                ["pathType"] = paths[i].Type,
                ["backend"] = new JsonObject { ["service"] = new JsonObject { ["name"] = $"{name}-{i}", ["port"] = new JsonObject { ["number"] = 80 } } },
            });
        }

        if (annotations.Length > 0)
        {
            ingress.Metadata["annotations"] = new JsonObject(annotations.Select(a => KeyValuePair.Create(a.Name, (JsonNode?)a.Value)));
        }

        return ingress;
    }

    private static IngressRoutes Compile(params KubeObject[] ingresses) => IngressRouteCompiler.Compile(ingresses, Classes, [])!;

    /// <summary>The service a board sends host and path to ("" for none), and the path the pod gets.</summary>
    private static (string Service, string Path) Route(IngressRoutes routes, string host, string path)
    {
        byte[] head = Encoding.ASCII.GetBytes(host + path);
        int route = RouteMatcher.Match(routes, head, 0, host.Length, host.Length, path.Length);
        if (route < 0)
        {
            return ("", path);
        }

        RouteRewrites? rewrites = routes.Annotations?.Rewrites;
        string? target = rewrites?.Targets[route];
        return (routes.ServiceNames[route], target == null ? path : Expand(target, rewrites!.Matcher, path));
    }

    // nginx's rewrite: the whole path becomes the target, $1-$9 from the match.
    private static string Expand(string target, PathPattern match, string path)
    {
        var rewritten = new StringBuilder();
        for (int i = 0; i < target.Length; i++)
        {
            if (target[i] == '$' && i + 1 < target.Length && char.IsAsciiDigit(target[i + 1]))
            {
                int group = target[++i] - '0';
                rewritten.Append(match.GroupStart(group) < 0 ? "" : path.AsSpan(match.GroupStart(group), match.GroupLength(group)));
                continue;
            }

            rewritten.Append(target[i]);
        }

        return rewritten.ToString();
    }

    [Fact]
    public void The_rewrite_example_of_ingress_nginxs_docs_rewrites_as_there()
    {
        IngressRoutes routes = Compile(Ingress("rewrite", "rewrite.bar.com", 0, [("/something(/|$)(.*)", "ImplementationSpecific")],
            (IngressAnnotations.UseRegex, "true"), (IngressAnnotations.RewriteTarget, "/$2")));

        Assert.NotNull(routes.Annotations!.Rewrites!.Programs[0]);
        Assert.Equal("/$2", routes.Annotations.Rewrites.Targets[0]);
        Assert.Equal(("rewrite-0", "/"), Route(routes, "rewrite.bar.com", "/something"));
        Assert.Equal(("rewrite-0", "/"), Route(routes, "rewrite.bar.com", "/something/"));
        Assert.Equal(("rewrite-0", "/new"), Route(routes, "rewrite.bar.com", "/something/new"));
        Assert.Equal(("rewrite-0", "/New/Path"), Route(routes, "rewrite.bar.com", "/SomeThing/New/Path")); // caseless, the groups as sent
        Assert.Equal(("", "/somethingelse"), Route(routes, "rewrite.bar.com", "/somethingelse"));
    }

    [Fact]
    public void With_rewrite_target_alone_every_path_of_the_Ingress_is_a_pattern_and_without_groups_the_whole_path_becomes_the_target()
    {
        IngressRoutes routes = Compile(Ingress("app", "shop.example", 0, [("/app", "Prefix"), ("/", "Prefix")], (IngressAnnotations.RewriteTarget, "/")));

        // ~* "^/app": Prefix no more, so /application and /APP/x too; the whole path is replaced.
        Assert.Equal(("app-0", "/"), Route(routes, "shop.example", "/app/cart/42"));
        Assert.Equal(("app-0", "/"), Route(routes, "shop.example", "/application"));
        Assert.Equal(("app-0", "/"), Route(routes, "shop.example", "/APP"));

        // The path equal to the target is not rewritten (ingress-nginx's needsRewrite), but is a pattern still.
        Assert.NotNull(routes.Annotations!.Rewrites!.Programs[1]);
        Assert.Null(routes.Annotations.Rewrites.Targets[1]);
        Assert.Equal(("app-1", "/other"), Route(routes, "shop.example", "/other"));
    }

    [Fact]
    public void Use_regex_makes_Exact_paths_patterns_too_as_buildLocation_asks_for_the_regex_first()
    {
        IngressRoutes routes = Compile(Ingress("api", "api.example", 0, [("/v[0-9]+/users", "Exact")], (IngressAnnotations.UseRegex, "true")));

        Assert.Null(routes.Annotations!.Rewrites!.Targets[0]); // use-regex alone rewrites nothing
        Assert.Equal(("api-0", "/v2/users/7"), Route(routes, "api.example", "/v2/users/7"));
        Assert.Equal(("api-0", "/V10/Users"), Route(routes, "api.example", "/V10/Users"));
        Assert.Equal(("", "/v/users"), Route(routes, "api.example", "/v/users"));
    }

    [Fact]
    public void Only_the_annotated_Ingresses_own_paths_are_patterns_and_a_hosts_routes_are_chosen_longest_first()
    {
        KubeObject plain = Ingress("plain", "shop.example", 0, [("/api", "Prefix"), ("/", "Prefix")]);
        KubeObject regex = Ingress("regex", "shop.example", 1, [("/api/v[0-9]+/(.*)", "ImplementationSpecific")], (IngressAnnotations.RewriteTarget, "/$1"));
        IngressRoutes routes = Compile(regex, plain);

        Assert.Equal(["/api", "/", "/api/v[0-9]+/(.*)"], routes.Paths); // older first, as before
        Assert.All(routes.Annotations!.Rewrites!.Programs.Take(2), Assert.Null);

        Assert.Equal(("regex-0", "/orders/1"), Route(routes, "shop.example", "/api/v1/orders/1"));
        Assert.Equal(("plain-0", "/api/other"), Route(routes, "shop.example", "/api/other"));
        // ingress-nginx would make the other Ingress's /api ^/api here too (and so take /apix); Edge keeps it a Prefix.
        Assert.Equal(("plain-1", "/apix"), Route(routes, "shop.example", "/apix"));
        Assert.Equal(("regex-0", "/x"), Route(routes, "shop.example", "/API/v1/x")); // the pattern is caseless; the Prefix is not
    }

    [Fact]
    public void Rewrites_alone_make_the_annotations_and_without_regex_annotations_there_are_none()
    {
        RouteAnnotations annotations = Compile(Ingress("r", "a.example", 0, [("/x", "Prefix")], (IngressAnnotations.RewriteTarget, "/y"))).Annotations!;
        Assert.Equal(0, annotations.Ranges);
        Assert.Equal([false], annotations.SslRedirects);
        Assert.Null(annotations.CanaryServices[0]);
        Assert.True(annotations.Same(Compile(Ingress("r", "a.example", 0, [("/x", "Prefix")], (IngressAnnotations.RewriteTarget, "/y"))).Annotations, 1));
        Assert.False(annotations.Same(Compile(Ingress("r", "a.example", 0, [("/x", "Prefix")], (IngressAnnotations.RewriteTarget, "/z"))).Annotations, 1));

        Assert.Null(Compile(Ingress("r", "a.example", 0, [("/x", "Prefix")], (IngressAnnotations.UseRegex, "false"))).Annotations);
        Assert.Null(Compile(Ingress("r", "a.example", 0, [("/x", "Prefix")], (IngressAnnotations.UseRegex, "yes"))).Annotations); // not a boolean: false
        Assert.Null(Compile(Ingress("r", "a.example", 0, [("/x", "Prefix")], (IngressAnnotations.RewriteTarget, "/x"))).Annotations); // the path itself: no rewrite
        Assert.Null(Compile(Ingress("r", "a.example", 0, [("/x", "Prefix")], (IngressAnnotations.RewriteTarget, ""))).Annotations);
    }

    [Fact]
    public void A_pattern_or_target_a_board_cannot_take_stored_before_validation_is_not_sent()
    {
        IngressRoutes routes = Compile(
            Ingress("bad", "a.example", 0, [(@"/(?<id>\d+)", "ImplementationSpecific"), ("/ok/(.*)", "ImplementationSpecific")], (IngressAnnotations.UseRegex, "true")),
            Ingress("host", "b.example", 1, [("/(.*)", "ImplementationSpecific")], (IngressAnnotations.RewriteTarget, "/$host/$1")));

        Assert.Equal(["/ok/(.*)"], routes.Paths);
    }

    [Fact]
    public void A_canarys_own_regex_annotations_are_not_its_routing_which_it_takes_from_its_main_Ingress()
    {
        KubeObject main = Ingress("main", "a.example", 0, [("/shop/(.*)", "ImplementationSpecific")], (IngressAnnotations.RewriteTarget, "/$1"));
        KubeObject canary = Ingress("canary", "a.example", 1, [("/shop/(.*)", "ImplementationSpecific")],
            (IngressAnnotations.Canary, "true"), (IngressAnnotations.CanaryWeight, "100"), (IngressAnnotations.RewriteTarget, "/other/$1"));
        IngressRoutes routes = Compile(main, canary);

        Assert.Equal(1, routes.Count);
        Assert.Equal(("canary-0", "/$1"), (routes.Annotations!.CanaryServices[0], routes.Annotations.Rewrites!.Targets[0]));
    }
}
