using System.Text.Json.Nodes;
using Edge.Host.Objects;
using Edge.Host.Printing;

namespace Edge.Host.Tests.Ingress;

/// <summary>
/// `describe ingress` for an Ingress using ingress-nginx's regular expressions: use-regex and
/// rewrite-target are acted on, so not listed as ignored; a path no board runs (stored before
/// validation refused it) is said in Edge's own block.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class IngressRegexDescriptionTests
{
    private static string Describe(string annotations, string path) => IngressDescription.Of(new KubeObject((JsonObject)JsonNode.Parse("""
        {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
         "metadata": {"name": "rewrite", "namespace": "default", "annotations": ANNOTATIONS},
         "spec": {"rules": [{"host": "rewrite.bar.com", "http": {"paths": [
                    {"path": "PATH", "pathType": "ImplementationSpecific", "backend": {"service": {"name": "http-svc", "port": {"number": 80}}}},
                    {"path": "/ok/(.*)", "pathType": "ImplementationSpecific", "backend": {"service": {"name": "http-svc", "port": {"number": 80}}}}]}}]}}
        """.Replace("ANNOTATIONS", annotations).Replace("PATH", path))!), _ => null, _ => null, [], new DateTime(2026, 12, 5, 9, 0, 0, DateTimeKind.Utc));

    [Fact]
    public void Use_regex_and_rewrite_target_are_acted_on_not_ignored()
    {
        string text = Describe("""{"nginx.ingress.kubernetes.io/use-regex": "true", "nginx.ingress.kubernetes.io/rewrite-target": "/$2"}""", "/something(/|$)(.*)");

        Assert.DoesNotContain("Ignored annotations", text);
        Assert.DoesNotContain("Paths not served", text);
        Assert.EndsWith(string.Join("\n",
            "Annotations:       nginx.ingress.kubernetes.io/rewrite-target: /$2",
            "                   nginx.ingress.kubernetes.io/use-regex: true",
            "Events:            <none>",
            ""), text);
    }

    [Fact]
    public void A_path_no_board_runs_is_said_before_the_events()
    {
        string text = Describe("""{"nginx.ingress.kubernetes.io/use-regex": "true"}""", @"/(?<id>\\d+)");

        Assert.Contains("\nPaths not served:  /(?<id>\\d+) (a named group \"(?<id>\" at character 2 is not taken: Edge's boards take", text);
        Assert.EndsWith("\nEvents:            <none>\n", text);
        Assert.DoesNotContain("/ok/", text[text.IndexOf("Paths not served", StringComparison.Ordinal)..]);

        // The same path without regular expressions is a plain prefix, served as one.
        Assert.DoesNotContain("Paths not served", Describe("{}", @"/(?<id>\\d+)"));
    }
}
