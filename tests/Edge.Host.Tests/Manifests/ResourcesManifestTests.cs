using Edge.Host.Manifests;

namespace Edge.Host.Tests.Manifests;

/// <summary>Containers' requests and limits, and LimitRanges, refused where kube-apiserver refuses them, in its words.</summary>
[Trait("Category", Category.Unit)]
public sealed class ResourcesManifestTests
{
    private static List<ManifestProblem> Problems(string yaml, string name = "app.yaml")
    {
        var docs = new List<ManifestDocument>();
        var problems = new List<ManifestProblem>();
        ManifestReader.Parse(name, yaml, docs, problems);
        problems.AddRange(docs.SelectMany(ManifestValidator.Validate));
        return problems;
    }

    [Fact]
    public void Requests_and_limits_as_a_workshop_writes_them_are_taken()
    {
        Assert.Equal("", string.Join("\n", Problems("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers:
              - name: app
                image: whoami
                resources:
                  requests: {cpu: 100m, memory: 1Ki}
                  limits: {cpu: 1, memory: 2Ki}
            """).Select(p => p.ToString())));
    }

    [Fact]
    public void A_wrong_quantity_and_a_request_above_its_limit_are_errors_on_their_lines()
    {
        List<ManifestProblem> problems = Problems("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers:
              - name: app
                image: whoami
                resources:
                  requests:
                    memory: 64MB
                    cpu: 2
                  limits:
                    cpu: 1
            """, "pod.yaml");

        Assert.Equal(
        [
            "pod.yaml:10: pod/web: spec.containers[0].resources.requests[memory]: Invalid value: \"64MB\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
            "pod.yaml:10: pod/web: spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit of 1",
        ], problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Ephemeral_storage_is_taken_with_a_warning_that_boards_have_none()
    {
        ManifestProblem warning = Assert.Single(Problems("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers:
              - {name: app, image: whoami, resources: {requests: {ephemeral-storage: 1Gi}}}
            """));

        Assert.True(warning.IsWarning);
        Assert.Contains("boards have no storage", warning.Message);
    }

    [Fact]
    public void A_LimitRange_with_bounds_in_the_wrong_order_or_an_unknown_type_is_refused()
    {
        List<ManifestProblem> problems = Problems("""
            apiVersion: v1
            kind: LimitRange
            metadata: {name: limits}
            spec:
              limits:
              - type: Container
                min: {memory: 4Ki}
                max: {memory: 2Ki}
                default: {memory: 8Ki}
              - type: Pod
                default: {memory: 1Ki}
              - type: Node
            """, "limits.yaml");

        Assert.Equal(
        [
            "spec.limits[0].min[memory]: Invalid value: \"4Ki\": min value 4Ki is greater than max value 2Ki",
            "spec.limits[0].default[memory]: Invalid value: \"8Ki\": default value 8Ki is greater than max value 2Ki",
            "spec.limits[1].default: may not be specified when `type` is 'Pod'",
            "spec.limits[2].type: Unsupported value: \"Node\": supported values: \"Container\", \"Pod\", \"PersistentVolumeClaim\"",
        ], problems.Select(p => $"{p.Field}: {p.Message}"));
    }

    [Fact]
    public void The_resources_exercise_loads_and_validates()
    {
        var (docs, problems) = ManifestReader.Read(RepoPaths.Of("examples/resources"));

        Assert.Empty(problems);
        Assert.Contains(docs, d => d.Object.Kind == "LimitRange");
        Assert.DoesNotContain(docs.SelectMany(ManifestValidator.Validate), p => !p.IsWarning);
    }

    [Fact]
    public void Env_names_and_value_sources_are_refused_where_kube_apiserver_refuses_them()
    {
        List<ManifestProblem> problems = Problems("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers:
              - name: app
                image: whoami
                env:
                - {name: 1BAD, value: x}
                - name: BOTH
                  value: x
                  valueFrom: {fieldRef: {fieldPath: metadata.name}}
                - name: WHERE
                  valueFrom: {fieldRef: {fieldPath: spec.hostname}}
                - name: NOKEY
                  valueFrom: {configMapKeyRef: {name: settings}}
                envFrom:
                - {}
            """);

        Assert.Equal(
        [
            "spec.containers[0].env[0].name: Invalid value: \"1BAD\": a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')",
            "spec.containers[0].env[1].valueFrom: Invalid value: \"\": may not be specified when `value` is not empty",
            "spec.containers[0].env[2].valueFrom.fieldRef.fieldPath: Unsupported value: \"spec.hostname\": supported values: \"metadata.annotations['<KEY>']\", \"metadata.labels['<KEY>']\", \"metadata.name\", \"metadata.namespace\", \"metadata.uid\", \"spec.nodeName\", \"spec.serviceAccountName\", \"status.hostIP\", \"status.hostIPs\", \"status.podIP\", \"status.podIPs\"",
            "spec.containers[0].env[3].valueFrom.configMapKeyRef.key: Required value",
            "spec.containers[0].envFrom[0]: Invalid value: \"\": must specify one of: `configMapRef` or `secretRef`",
        ], problems.Select(p => $"{p.Field}: {p.Message}"));
    }

    [Fact]
    public void The_environment_exercise_loads_and_validates()
    {
        var (docs, problems) = ManifestReader.Read(RepoPaths.Of("examples/env"));

        Assert.Empty(problems);
        Assert.DoesNotContain(docs.SelectMany(ManifestValidator.Validate), p => !p.IsWarning);
    }
}
