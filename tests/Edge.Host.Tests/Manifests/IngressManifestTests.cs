using Edge.Host.Manifests;

namespace Edge.Host.Tests.Manifests;

/// <summary>Ingress and IngressClass manifests checked as kube-apiserver checks them, in its words, plus warnings of what ingress-nginx would only log.</summary>
[Trait("Category", Category.Unit)]
public sealed class IngressManifestTests
{
    private const string Backend = "backend: {service: {name: web, port: {number: 80}}}";

    private static List<ManifestProblem> Problems(string yaml, string file = "ingress.yaml")
    {
        var docs = new List<ManifestDocument>();
        var problems = new List<ManifestProblem>();
        ManifestReader.Parse(file, yaml, docs, problems);
        Assert.Empty(problems);
        return docs.SelectMany(ManifestValidator.Validate).ToList();
    }

    private static string Ingress(string spec) => $"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec: {spec}\n";

    /// <summary>One rule for web.example.com with this path entry.</summary>
    private static string OnePath(string path) => Ingress($"{{rules: [{{host: web.example.com, http: {{paths: [{path}]}}}}]}}");

    private static string OneBackend(string backend) => OnePath($"{{path: /, pathType: Prefix, backend: {backend}}}");

    private static string OneHost(string host) => Ingress($"{{rules: [{{host: '{host}', http: {{paths: [{{path: /, pathType: Prefix, {Backend}}}]}}}}]}}");

    private const string Dns1123 = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    private const string Wildcard = "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    private const string Paths = "spec.rules[0].http.paths[0]";

    public static TheoryData<string, string, string[]> Cases => new()
    {
        { "a plain route", OnePath($"{{path: /, pathType: Prefix, {Backend}}}"), [] },
        { "pathType left out", OnePath($"{{path: /, {Backend}}}"), [$"{Paths}.pathType: Required value: pathType must be specified"] },
        { "pathType unknown", OnePath($"{{path: /, pathType: Foo, {Backend}}}"),
            [$"{Paths}.pathType: Unsupported value: \"Foo\": supported values: \"Exact\", \"ImplementationSpecific\", \"Prefix\""] },
        { "a Prefix path not absolute", OnePath($"{{path: foo, pathType: Prefix, {Backend}}}"), [$"{Paths}.path: Invalid value: \"foo\": must be an absolute path"] },
        { "an Exact path left out", OnePath($"{{pathType: Exact, {Backend}}}"), [$"{Paths}.path: Invalid value: \"\": must be an absolute path"] },
        { "an ImplementationSpecific path not absolute", OnePath($"{{path: foo, pathType: ImplementationSpecific, {Backend}}}"),
            [$"{Paths}.path: Invalid value: \"foo\": must be an absolute path"] },
        { "an ImplementationSpecific path left out", OnePath($"{{pathType: ImplementationSpecific, {Backend}}}"), [] },
        { "a path with // and ending /..", OnePath($"{{path: /a//b/.., pathType: Prefix, {Backend}}}"),
            [$"{Paths}.path: Invalid value: \"/a//b/..\": must not contain '//'", $"{Paths}.path: Invalid value: \"/a//b/..\": cannot end with '/..'"] },
        { "no paths", Ingress("{rules: [{host: web.example.com, http: {paths: []}}]}"), ["spec.rules[0].http.paths: Required value"] },
        { "both a service and a resource", OneBackend("{service: {name: web, port: {number: 80}}, resource: {kind: Bucket, name: b}}"),
            [$"{Paths}.backend: Invalid value: \"\": cannot set both resource and service backends"] },
        { "neither a service nor a resource", OneBackend("{}"), [$"{Paths}.backend: Invalid value: \"\": resource or service backend is required"] },
        { "a service with no name", OneBackend("{service: {port: {number: 80}}}"), [$"{Paths}.backend.service.name: Required value"] },
        { "a service name that is no DNS-1035 label", OneBackend("{service: {name: 1web, port: {number: 80}}}"),
            [$"{Paths}.backend.service.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"] },
        { "a port by name and number", OneBackend("{service: {name: web, port: {name: http, number: 80}}}"),
            [$"{Paths}.backend: Invalid value: \"\": cannot set both port name & port number"] },
        { "a port number out of range", OneBackend("{service: {name: web, port: {number: 70000}}}"),
            [$"{Paths}.backend.service.port.number: Invalid value: 70000: must be between 1 and 65535, inclusive"] },
        { "no port", OneBackend("{service: {name: web}}"), [$"{Paths}.backend: Required value: port name or number is required"] },
        { "a port name in capitals", OneBackend("{service: {name: web, port: {name: HTTP}}}"),
        [
            $"{Paths}.backend.service.port.name: Invalid value: \"HTTP\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
            $"{Paths}.backend.service.port.name: Invalid value: \"HTTP\": must contain at least one letter (a-z)",
        ] },
        { "a wildcard host", OneHost("*.example.com"), [] },
        { "a wildcard inside a host", OneHost("web.*.com"), [$"spec.rules[0].host: Invalid value: \"web.*.com\": {Wildcard}"] },
        { "a host with a port", OneHost("web.example.com:8080"), [$"spec.rules[0].host: Invalid value: \"web.example.com:8080\": {Dns1123}"] },
        { "a host in capitals", OneHost("Web.example.com"), [$"spec.rules[0].host: Invalid value: \"Web.example.com\": {Dns1123}"] },
        { "an IP address for a host", OneHost("192.168.50.11"), ["spec.rules[0].host: Invalid value: \"192.168.50.11\": must be a DNS name, not an IP address"] },
        { "neither rules nor a default backend", Ingress("{}"),
            ["spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified"] },
        { "empty rules and no default backend", Ingress("{rules: []}"),
            ["spec: Invalid value: []networking.IngressRule{}: either `defaultBackend` or `rules` must be specified"] },
        { "a default backend alone", Ingress($"{{defaultBackend: {{service: {{name: web, port: {{name: http}}}}}}}}"), [] },
        { "a default backend with no port", Ingress("{defaultBackend: {service: {name: web}}}"), ["spec.defaultBackend: Required value: port name or number is required"] },
        { "TLS for a routed host", Ingress($"{{tls: [{{hosts: [web.example.com], secretName: web-tls}}], rules: [{{host: web.example.com, http: {{paths: [{{path: /, pathType: Prefix, {Backend}}}]}}}}]}}"), [] },
        { "TLS for a host a wildcard rule routes", Ingress($"{{tls: [{{hosts: [a.example.com]}}], rules: [{{host: '*.example.com', http: {{paths: [{{path: /, pathType: Prefix, {Backend}}}]}}}}]}}"), [] },
        { "TLS for a host no rule routes", Ingress($"{{tls: [{{hosts: [a.example.com], secretName: a-tls}}], rules: [{{host: web.example.com, http: {{paths: [{{path: /, pathType: Prefix, {Backend}}}]}}}}]}}"),
            [] }, // kube-apiserver takes it: a warning (below)
        { "TLS with a secret name that is no name", Ingress($"{{tls: [{{hosts: [web.example.com], secretName: Web_TLS}}], rules: [{{host: web.example.com, http: {{paths: [{{path: /, pathType: Prefix, {Backend}}}]}}}}]}}"),
            [$"spec.tls[0].secretName: Invalid value: \"Web_TLS\": {Dns1123}"] },
        { "a class name that is no name", Ingress($"{{ingressClassName: Edge, defaultBackend: {{service: {{name: web, port: {{number: 80}}}}}}}}"),
            [$"spec.ingressClassName: Invalid value: \"Edge\": {Dns1123}"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void An_ingress_is_checked_as_the_API_server_checks_it(string why, string yaml, string[] expected)
    {
        List<ManifestProblem> problems = Problems(yaml);

        Assert.True(expected.SequenceEqual(problems.Where(p => !p.IsWarning).Select(p => $"{p.Field}: {p.Message}")),
            $"{why}:\n{string.Join("\n", problems)}");
    }

    [Fact]
    public void Problems_name_the_file_and_the_line_of_the_field()
    {
        List<ManifestProblem> problems = Problems("""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: web
              annotations:
                kubernetes.io/ingress.class: nginx
            spec:
              ingressClassName: edge
              rules:
                - host: web.example.com
                  http:
                    paths:
                      - path: /
                        backend:
                          service: {name: web, port: {number: 80}}
            """);

        Assert.Equal(
        [
            "ingress.yaml:13: ingress.networking.k8s.io/web: spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified",
            "ingress.yaml:6: ingress.networking.k8s.io/web: annotations.kubernetes.io/ingress.class: Invalid value: \"nginx\": must match `ingressClassName` when both are specified",
        ], problems.Select(p => p.ToString()));
    }

    [Fact]
    public void The_ingress_nginx_annotations_Edge_serves_are_refused_with_a_value_ingress_nginx_would_not_take()
    {
        List<ManifestProblem> problems = Problems("""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: web
              annotations:
                nginx.ingress.kubernetes.io/whitelist-source-range: "10.0.0.0/8, 192.168.1.7, 2001:db8::/32, 10.1.2.3/33"
                nginx.ingress.kubernetes.io/canary: "yes"
                nginx.ingress.kubernetes.io/canary-weight: "150"
                nginx.ingress.kubernetes.io/canary-by-header: "X Canary"
            spec:
              rules:
                - http:
                    paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
            """);

        string Annotation(int line, string name, string rest) => $"ingress.yaml:{line}: ingress.networking.k8s.io/web: annotations.nginx.ingress.kubernetes.io/{name}: Invalid value: {rest}";
        Assert.Equal(
        [
            Annotation(6, "whitelist-source-range", "\"2001:db8::/32\": must be an IPv4 address or CIDR, comma-separated (Edge's boards are IPv4 only)"),
            Annotation(6, "whitelist-source-range", "\"10.1.2.3/33\": must be an IPv4 address or CIDR, comma-separated (Edge's boards are IPv4 only)"),
            Annotation(7, "canary", "\"yes\": must be \"true\" or \"false\""),
            Annotation(8, "canary-weight", "\"150\": must be a whole number from 0 to 100 (canary-weight-total)"),
            Annotation(9, "canary-by-header", "\"X Canary\": must be an HTTP field name"),
        ], problems.Select(p => p.ToString()));
    }

    [Fact]
    public void What_kube_apiserver_takes_and_ingress_nginx_only_logs_is_a_warning_at_its_line()
    {
        List<ManifestProblem> problems = Problems("""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: web
              annotations:
                nginx.ingress.kubernetes.io/ssl-redirect: "no"
                nginx.ingress.kubernetes.io/force-ssl-redirect: "TRUE"
            spec:
              tls:
                - hosts: [web.example.com, a.example.com]
                  secretName: web-tls
              rules:
                - host: web.example.com
                  http:
                    paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
            """);

        Assert.All(problems, p => Assert.True(p.IsWarning));
        Assert.Equal(
        [
            "ingress.yaml:10: ingress.networking.k8s.io/web: spec.tls[0].hosts[1]: \"a.example.com\": no rule has this host, so its certificate serves no request (ingress-nginx and Edge terminate TLS for the hosts rules route): add a rule for it, or take it out",
            "ingress.yaml:6: ingress.networking.k8s.io/web: annotations.nginx.ingress.kubernetes.io/ssl-redirect: \"no\" is not a boolean (true or false), so it is taken as true, as ingress-nginx takes it",
        ], problems.Select(p => p.ToString()));
    }

    [Fact]
    public void A_resource_backend_is_valid_but_Edge_says_it_will_not_serve_it()
    {
        List<ManifestProblem> problems = Problems(Ingress("{defaultBackend: {resource: {apiGroup: k8s.example.com, kind: StorageBucket, name: static-assets}}}"));

        ManifestProblem warning = Assert.Single(problems);
        Assert.True(warning.IsWarning);
        Assert.Equal("spec.defaultBackend.resource", warning.Field);
        Assert.Contains("Edge routes to services only", warning.Message);
    }

    public static TheoryData<string, string[]> ClassCases => new()
    {
        { "{controller: edge.dev/ingress-controller}", [] },
        { "{}", ["spec.controller: Required value"] },
        { "{controller: edge}", ["spec.controller: Invalid value: \"edge\": must be a domain-prefixed path (such as \"acme.io/foo\")"] },
        { "{controller: 'Edge.dev/x'}", [$"spec.controller: Invalid value: \"Edge.dev\": {Dns1123}"] },
        { "{controller: example.com/x, parameters: {apiGroup: k8s.example.com}}",
            ["spec.parameters.kind: Required value: kind is required", "spec.parameters.name: Required value: name is required"] },
        { "{controller: example.com/x, parameters: {kind: Settings, name: s, scope: Namespace}}",
            ["spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'"] },
        { "{controller: example.com/x, parameters: {kind: Settings, name: s, scope: Everywhere}}",
            ["spec.parameters.scope: Unsupported value: \"Everywhere\": supported values: \"Cluster\", \"Namespace\""] },
    };

    [Theory]
    [MemberData(nameof(ClassCases))]
    public void An_ingress_class_is_checked_as_the_API_server_checks_it(string spec, string[] expected)
    {
        List<ManifestProblem> problems = Problems($"apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: mine\nspec: {spec}\n");

        Assert.Equal(expected, problems.Where(p => !p.IsWarning).Select(p => $"{p.Field}: {p.Message}"));
    }
}
