using System.Text;
using Edge.Dataplane.Ingress;

namespace Edge.Dataplane.Tests.Ingress;

/// <summary>
/// The matching rules of the Kubernetes documentation, "Ingress" (concepts/services-networking/ingress):
/// every row of the "Examples" table under "Path types", the "Hostname wildcards" table, and the
/// precedence the page states ("longest matching path takes priority"; "if two paths are still
/// equally matched, precedence will be given to paths with an exact path type over prefix path
/// type"). Rules are written "Type:/path" (several comma-separated); the expected value is the
/// rule that matched, or "default" for the defaultBackend.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class RouteMatcherTests
{
    public static TheoryData<string, string, string> DocumentationExamples => new()
    {
        // Kind and path(s) | request path | the rule that matches
        { "Prefix:/", "/", "Prefix:/" },
        { "Prefix:/", "/anything/at/all", "Prefix:/" },
        { "Exact:/foo", "/foo", "Exact:/foo" },
        { "Exact:/foo", "/bar", "default" },
        { "Exact:/foo", "/foo/", "default" },
        { "Exact:/foo/", "/foo", "default" },
        { "Prefix:/foo", "/foo", "Prefix:/foo" },
        { "Prefix:/foo", "/foo/", "Prefix:/foo" },
        { "Prefix:/foo/", "/foo", "Prefix:/foo/" },
        { "Prefix:/foo/", "/foo/", "Prefix:/foo/" },
        { "Prefix:/aaa/bb", "/aaa/bbb", "default" },
        { "Prefix:/aaa/bbb", "/aaa/bbb", "Prefix:/aaa/bbb" },
        { "Prefix:/aaa/bbb/", "/aaa/bbb", "Prefix:/aaa/bbb/" }, // ignores the trailing slash
        { "Prefix:/aaa/bbb", "/aaa/bbb/", "Prefix:/aaa/bbb" }, // matches the trailing slash
        { "Prefix:/aaa/bbb", "/aaa/bbb/ccc", "Prefix:/aaa/bbb" }, // matches a subpath
        { "Prefix:/aaa/bbb", "/aaa/bbbxyz", "default" }, // not a string prefix
        { "Prefix:/,Prefix:/aaa", "/aaa/ccc", "Prefix:/aaa" },
        { "Prefix:/,Prefix:/aaa,Prefix:/aaa/bbb", "/aaa/bbb", "Prefix:/aaa/bbb" },
        { "Prefix:/,Prefix:/aaa,Prefix:/aaa/bbb", "/ccc", "Prefix:/" },
        { "Prefix:/aaa", "/ccc", "default" }, // uses the default backend
        { "Prefix:/foo,Exact:/foo", "/foo", "Exact:/foo" }, // mixed: prefers Exact
        { "Exact:/foo,Prefix:/foo", "/foo", "Exact:/foo" },
    };

    public static TheoryData<string, string, string> MoreRules => new()
    {
        { "Exact:/Foo", "/foo", "default" }, // case-sensitive
        { "Prefix:/foo", "/FOO/bar", "default" },
        { "Prefix:/foo,Prefix:/foo/bar", "/foo/bar/baz", "Prefix:/foo/bar" },
        { "Exact:/foo/bar,Prefix:/foo", "/foo/bar", "Exact:/foo/bar" },
        { "Exact:/foo,Prefix:/foo/bar", "/foo/bar", "Prefix:/foo/bar" }, // longest wins before type
        { "ImplementationSpecific:/foo", "/foo/bar", "ImplementationSpecific:/foo" }, // matched as Prefix
        { "ImplementationSpecific:/foo", "/foobar", "default" },
        { "Prefix:/foo", "/foo?x=/bar", "Prefix:/foo" }, // the query is not the path
        { "Exact:/foo", "/foo?x=1", "Exact:/foo" },
        { "Prefix:/foo//", "/foo", "Prefix:/foo//" },
    };

    [Theory]
    [MemberData(nameof(DocumentationExamples))]
    [MemberData(nameof(MoreRules))]
    public void A_path_matches_as_the_documentation_says(string rules, string requestPath, string expected)
    {
        var routes = new IngressRoutes(8);
        foreach (string rule in rules.Split(','))
        {
            string[] parts = rule.Split(':');
            byte type = parts[0] switch { "Exact" => PathType.Exact, "Prefix" => PathType.Prefix, _ => PathType.ImplementationSpecific };
            Assert.True(routes.Add("", parts[1], type, "default", rule, 80));
        }

        Assert.True(routes.Add("", "", PathType.Default, "default", "default", 80));
        Assert.Equal(expected, Matched(routes, "lab.example", requestPath));
    }

    public static TheoryData<string, string, string> Hosts => new()
    {
        // Hostname wildcards table: a wildcard covers one DNS label.
        { "*.foo.com", "bar.foo.com", "*.foo.com" },
        { "*.foo.com", "baz.bar.foo.com", "none" },
        { "*.foo.com", "foo.com", "none" },
        // Exact hosts, compared without case; a port in the Host is not part of it.
        { "foo.bar.com", "foo.bar.com", "foo.bar.com" },
        { "foo.bar.com", "FOO.Bar.com", "foo.bar.com" },
        { "foo.bar.com", "foo.bar.co", "none" },
        { "foo.bar.com", "xfoo.bar.com", "none" },
        // An exact host beats a wildcard that also matches; a rule without host takes the rest.
        { "foo.bar.com,*.bar.com", "foo.bar.com", "foo.bar.com" },
        { "foo.bar.com,*.bar.com", "baz.bar.com", "*.bar.com" },
        { "foo.bar.com,*.bar.com,", "other.com", "" },
        { "foo.bar.com,*.bar.com,", "a.b.bar.com", "" },
        { "*.bar.com,*.foo.bar.com", "x.foo.bar.com", "*.foo.bar.com" },
    };

    [Theory]
    [MemberData(nameof(Hosts))]
    public void A_host_matches_exactly_or_by_one_wildcard_label(string ruleHosts, string requestHost, string expected)
    {
        var routes = new IngressRoutes(8);
        foreach (string host in ruleHosts.Split(','))
        {
            Assert.True(routes.Add(host, "/", PathType.Prefix, "default", host, 80));
        }

        Assert.Equal(expected, Matched(routes, requestHost, "/"));
    }

    [Fact]
    public void A_host_with_rules_of_its_own_does_not_fall_back_to_the_host_less_rules_but_to_the_default_backend()
    {
        var routes = new IngressRoutes(4);
        routes.Add("foo.bar.com", "/a", PathType.Prefix, "default", "foo-a", 80);
        routes.Add("", "/b", PathType.Prefix, "default", "any-b", 80);
        Assert.Equal("none", Matched(routes, "foo.bar.com", "/b"));
        Assert.Equal("any-b", Matched(routes, "other.com", "/b"));
        routes.Add("", "", PathType.Default, "default", "default", 80);
        Assert.Equal("default", Matched(routes, "foo.bar.com", "/b"));
    }

    [Fact]
    public void On_equal_rules_the_older_Ingress_wins_and_the_first_default_backend_is_taken()
    {
        var routes = new IngressRoutes(4);
        routes.Add("", "/", PathType.Prefix, "default", "older", 80);
        routes.Add("", "/", PathType.Prefix, "default", "newer", 80);
        routes.Add("", "", PathType.Default, "default", "older-default", 80);
        routes.Add("", "", PathType.Default, "default", "newer-default", 80);
        Assert.Equal("older", Matched(routes, "x", "/"));
        routes.PathTypes[0] = PathType.Exact;
        routes.PathTypes[1] = PathType.Exact;
        Assert.Equal("older-default", Matched(routes, "x", "/nothing"));
    }

    [Fact]
    public void A_route_a_board_could_not_match_is_refused()
    {
        var routes = new IngressRoutes(4);
        Assert.False(routes.Add("", "foo", PathType.Prefix, "default", "s", 80));
        Assert.False(routes.Add("", "", PathType.Exact, "default", "s", 80));
        Assert.False(routes.Add("", "/", 9, "default", "s", 80));
        Assert.False(routes.Add(null!, "/", PathType.Prefix, "default", "s", 80));
        Assert.Equal(0, routes.Count);
    }

    // The backend service name of the route that matched ("none" when none did).
    private static string Matched(IngressRoutes routes, string host, string target)
    {
        byte[] head = Encoding.ASCII.GetBytes(host + " " + target);
        int query = target.IndexOf('?');
        int route = RouteMatcher.Match(routes, head, 0, host.Length, host.Length + 1, query < 0 ? target.Length : query);
        return route < 0 ? "none" : routes.ServiceNames[route];
    }
}
