using Edge.Host.Manifests;

namespace Edge.Host.Tests.Manifests;

[Trait("Category", Category.Unit)]
public sealed class ManifestTests
{
    private static (List<ManifestDocument> Docs, List<ManifestProblem> Problems) Load(string yaml, string name = "app.yaml")
    {
        var docs = new List<ManifestDocument>();
        var problems = new List<ManifestProblem>();
        ManifestReader.Parse(name, yaml, docs, problems);
        foreach (ManifestDocument doc in docs)
        {
            problems.AddRange(ManifestValidator.Validate(doc));
        }

        return (docs, problems);
    }

    [Fact]
    public void Every_example_loads_and_validates()
    {
        var (docs, problems) = ManifestReader.Read(RepoPaths.Of("examples"));

        Assert.Empty(problems);
        Assert.True(docs.Count >= 9, $"{docs.Count} objects");
        Assert.DoesNotContain(docs.SelectMany(ManifestValidator.Validate), p => !p.IsWarning);
        Assert.Contains(docs, d => d.Object.Reference == "deployment.apps/web");
    }

    [Fact]
    public void Plain_scalars_get_YAML_core_types_and_quoted_ones_stay_strings()
    {
        var (docs, _) = Load("""
            apiVersion: v1
            kind: Service
            metadata: {name: web, labels: {version: "2"}}
            spec:
              ports: [{port: 80, targetPort: http, name: "80"}]
            """);

        var port = docs[0].Object.Spec!["ports"]![0]!;
        Assert.Equal(80, (long)port["port"]!);
        Assert.Equal("http", (string?)port["targetPort"]);
        Assert.Equal("80", (string?)port["name"]);
        Assert.Equal("2", docs[0].Object.Labels["version"]);
    }

    [Fact]
    public void Problems_name_the_file_the_line_the_object_and_the_field()
    {
        var (_, problems) = Load("""
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: -1
              selector:
                matchLabels: {app: web}
              template:
                metadata: {labels: {app: other}}
                spec:
                  hostNetwork: true
                  containers:
                    - name: app
            """, "web.yaml");

        Assert.Equal(
        [
            "web.yaml:6: deployment.apps/web: spec.replicas: must be a whole number, 0 or more",
            "web.yaml:10: deployment.apps/web: spec.template.metadata.labels: must include every label of spec.selector.matchLabels, or the deployment would not own its pods",
            "web.yaml:14: deployment.apps/web: spec.template.spec.containers[0].image: required (whoami, hello, echo, counter or toolbox)",
            "web.yaml:12: deployment.apps/web: spec.template.spec.hostNetwork: not supported: every Edge pod has its own sandbox; use a NodePort or LoadBalancer Service to reach the board's address",
        ], problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Service_rules_follow_Kubernetes()
    {
        var (_, problems) = Load("""
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec:
              type: ClusterIP
              ports:
                - {port: 80, nodePort: 30080}
                - {port: 70000, protocol: SCTP}
            """);

        Assert.Contains(problems, p => p.Field == "spec.ports[0].name" && p.Message.Contains("more than one port"));
        Assert.Contains(problems, p => p.Field == "spec.ports[0].nodePort" && p.Message.Contains("only NodePort and LoadBalancer"));
        Assert.Contains(problems, p => p.Field == "spec.ports[1].port" && p.Line == 8);
        Assert.Contains(problems, p => p.Field == "spec.ports[1].protocol" && p.Message.Contains("TCP or UDP"));
    }

    [Fact]
    public void Unknown_kinds_broken_YAML_and_volumes_say_what_to_do()
    {
        Assert.Contains("Edge does not keep StatefulSet objects; it keeps Namespace, Node, Pod",
            Load("apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\n").Problems.Single().ToString());

        ManifestProblem broken = Load("apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n").Problems.Single();
        Assert.StartsWith("app.yaml:", broken.ToString());
        Assert.Contains("not valid YAML", broken.Message);

        var (_, problems) = Load("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  volumes: [{name: data}]\n  containers: [{name: a, image: hello}]\n");
        Assert.True(problems.Single().IsWarning);
        Assert.Contains("ignored: boards have no storage", problems.Single().Message);
    }

    [Fact]
    public void Lists_are_unwrapped_and_empty_documents_skipped()
    {
        var (docs, problems) = Load("""
            ---
            apiVersion: v1
            kind: List
            items:
              - {apiVersion: v1, kind: Pod, metadata: {name: a}, spec: {containers: [{name: c, image: hello}]}}
              - {apiVersion: v1, kind: Pod, metadata: {name: b}, spec: {containers: [{name: c, image: hello}]}}
            ---
            ---
            """);

        Assert.Empty(problems);
        Assert.Equal(["a", "b"], docs.Select(d => d.Object.Name));
    }
}
