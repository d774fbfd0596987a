using Edge.Host.Compile;
using Edge.Host.Manifests;

namespace Edge.Host.Tests.Manifests;

/// <summary>
/// An Ingress using ingress-nginx's regular expressions (use-regex, rewrite-target) checked at
/// apply: a path no board can run and a target no board can write are refused at their lines,
/// naming what is wrong; what a board does but ingress-nginx would not, or what nginx leaves
/// empty, is a warning.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class IngressRegexManifestTests
{
    private static List<ManifestProblem> Problems(string yaml)
    {
        var docs = new List<ManifestDocument>();
        var problems = new List<ManifestProblem>();
        ManifestReader.Parse("ingress.yaml", yaml, docs, problems);
        Assert.Empty(problems);
        return docs.SelectMany(ManifestValidator.Validate).ToList();
    }

    private static string Manifest(string annotations, params string[] paths) => $$"""
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: web
          annotations:
        {{annotations}}
        spec:
          rules:
            - host: web.example.com
              http:
                paths:
        {{string.Join("\n", paths.Select(p => $"          - {{path: '{p}', pathType: ImplementationSpecific, backend: {{service: {{name: web, port: {{number: 80}}}}}}}}"))}}
        """;

    [Fact]
    public void A_path_a_board_cannot_run_and_a_target_it_cannot_write_are_refused_at_their_lines()
    {
        List<ManifestProblem> problems = Problems(Manifest("""
                nginx.ingress.kubernetes.io/use-regex: "true"
                nginx.ingress.kubernetes.io/rewrite-target: /$host/$1
            """, @"/(?<id>\d+)", "/ok/(.*)", "/(a*)*"));

        Assert.All(problems, p => Assert.False(p.IsWarning));
        Assert.Equal(3, problems.Count);
        Assert.StartsWith("ingress.yaml:13: ingress.networking.k8s.io/web: spec.rules[0].http.paths[0].path: Invalid value: \"/(?<id>\\\\d+)\": "
            + "a named group \"(?<id>\" at character 2 is not taken: " + PathRegexCompiler.Takes, problems[0].ToString());
        Assert.StartsWith("ingress.yaml:15: ingress.networking.k8s.io/web: spec.rules[0].http.paths[2].path: Invalid value: \"/(a*)*\": "
            + "\"(a*)*\", a repetition of something that can match nothing at character 2 is not taken", problems[1].ToString());
        Assert.Equal(
        [
            "ingress.yaml:7: ingress.networking.k8s.io/web: annotations.nginx.ingress.kubernetes.io/rewrite-target: Invalid value: \"/$host/$1\": "
                + "the nginx variable \"$host\" is not taken: Edge's boards put only the path's groups $1-$9 into a target",
        ], problems.Skip(2).Take(1).Select(p => p.ToString()));
    }

    [Fact]
    public void Without_regex_annotations_the_same_paths_are_plain_prefixes_and_nothing_to_refuse()
    {
        Assert.Empty(Problems(Manifest("    team: edge", @"/(?<id>\d+)", "/(a*)*")));
    }

    public static TheoryData<string, string> BadTargets => new()
    {
        { "http://other.example/$1", "a target starting with http:// or https:// makes nginx answer with a redirect" },
        { "/a b", "must be a URL path and query: ' ' is not taken (percent-encode it)" },
        { "/a#b", "must be a URL path and query: '#' is not taken" },
        { "/café", "must be a URL path and query: 'é' is not taken" },
        { "/${1}", "the nginx variable \"${1}\" is not taken" },
        { "/x/$", "a '$' must be followed by a group's number, 1 to 9 (nginx refuses it too)" },
    };

    [Theory]
    [MemberData(nameof(BadTargets))]
    public void A_target_a_board_cannot_write_is_refused(string target, string expected)
    {
        List<ManifestProblem> problems = Problems(Manifest($"    nginx.ingress.kubernetes.io/rewrite-target: '{target}'", "/(.*)"));

        Assert.Contains(problems, p => !p.IsWarning && p.Field == "annotations.nginx.ingress.kubernetes.io/rewrite-target" && p.Message.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void What_nginx_leaves_empty_or_ingress_nginx_would_not_take_is_a_warning_at_its_line()
    {
        List<ManifestProblem> problems = Problems("""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: web
              annotations:
                nginx.ingress.kubernetes.io/use-regex: "yes"
                nginx.ingress.kubernetes.io/rewrite-target: /$0/$3?from=edge
            spec:
              rules:
                - http:
                    paths:
                      - {path: '/api/(v\d)/(.*)', pathType: ImplementationSpecific, backend: {service: {name: web, port: {number: 80}}}}
                      - {path: '/shop/[a-z]+', pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
                      - {path: /plain, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
            """);

        Assert.All(problems, p => Assert.True(p.IsWarning, p.ToString()));
        Assert.Equal(
        [
            "ingress.yaml:12: ingress.networking.k8s.io/web: spec.rules[0].http.paths[0].path: \"/api/(v\\\\d)/(.*)\" has 2 groups, so the rewrite-target's $3 is left empty, as nginx leaves it",
            "ingress.yaml:13: ingress.networking.k8s.io/web: spec.rules[0].http.paths[1].path: \"/shop/[a-z]+\" has 0 groups, so the rewrite-target's $3 is left empty, as nginx leaves it",
            "ingress.yaml:13: ingress.networking.k8s.io/web: spec.rules[0].http.paths[1].path: \"/shop/[a-z]+\" is a regular expression under pathType Prefix, "
                + "which ingress-nginx refuses since v1.12 (strict-validate-path-type): write pathType: ImplementationSpecific",
            "ingress.yaml:14: ingress.networking.k8s.io/web: spec.rules[0].http.paths[2].path: \"/plain\" has 0 groups, so the rewrite-target's $3 is left empty, as nginx leaves it",
            "ingress.yaml:7: ingress.networking.k8s.io/web: annotations.nginx.ingress.kubernetes.io/rewrite-target: \"/$0/$3?from=edge\": nginx has no $0 "
                + "(its configuration test refuses the unknown variable \"0\", so ingress-nginx would not load this Ingress); Edge's boards put the whole match there",
            "ingress.yaml:7: ingress.networking.k8s.io/web: annotations.nginx.ingress.kubernetes.io/rewrite-target: \"/$0/$3?from=edge\": ingress-nginx's annotation validation "
                + "(on unless enable-annotation-validation is false) takes only letters, digits and - . _ ~ / : $ here, and would leave the path as it came; Edge's boards rewrite to it, as nginx does",
            "ingress.yaml:6: ingress.networking.k8s.io/web: annotations.nginx.ingress.kubernetes.io/use-regex: \"yes\" is not a boolean (true or false), so it is taken as false, as ingress-nginx takes it",
        ], problems.Select(p => p.ToString()));
    }
}
