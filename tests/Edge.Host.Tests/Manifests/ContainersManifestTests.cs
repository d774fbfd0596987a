using Edge.Host.Manifests;

namespace Edge.Host.Tests.Manifests;

/// <summary>Pods of several containers and their probes, refused where kube-apiserver refuses them (in its words) or where a board cannot run them.</summary>
[Trait("Category", Category.Unit)]
public sealed class ContainersManifestTests
{
    private static string Problems(string yaml)
    {
        var docs = new List<ManifestDocument>();
        var problems = new List<ManifestProblem>();
        ManifestReader.Parse("pod.yaml", yaml, docs, problems);
        problems.AddRange(docs.SelectMany(ManifestValidator.Validate));
        return string.Join("\n", problems.Select(p => p.ToString()));
    }

    [Fact]
    public void A_pod_of_two_containers_with_probes_is_taken()
    {
        Assert.Equal("", Problems("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers:
              - name: whoami
                image: traefik/whoami
                ports: [{name: http, containerPort: 80}]
                readinessProbe: {httpGet: {path: /health, port: http}, periodSeconds: 1}
                livenessProbe: {tcpSocket: {port: 80}}
              - name: toolbox
                image: toolbox
            """));
    }

    [Fact]
    public void Duplicate_names_two_handlers_grpc_and_a_liveness_success_threshold_are_errors()
    {
        string problems = Problems("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers:
              - name: app
                image: whoami
                livenessProbe: {httpGet: {port: 80}, tcpSocket: {port: 80}, successThreshold: 2}
              - name: app
                image: toolbox
                readinessProbe: {grpc: {port: 9000}}
                startupProbe: {exec: {command: []}, periodSeconds: 0}
            """);

        Assert.Contains("spec.containers[1].name: Duplicate value: \"app\"", problems);
        Assert.Contains("spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type", problems);
        Assert.Contains("spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1", problems);
        Assert.Contains("spec.containers[1].readinessProbe.grpc: not supported", problems);
        Assert.Contains("spec.containers[1].startupProbe.exec.command: Required value", problems);
    }

    [Fact]
    public void A_named_probe_port_the_container_does_not_have_is_a_warning_and_https_an_error()
    {
        string problems = Problems("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers:
              - name: app
                image: whoami
                readinessProbe: {httpGet: {port: web, scheme: HTTPS}}
            """);

        Assert.Contains("spec.containers[0].readinessProbe.httpGet.port: the container has no port named \"web\"", problems);
        Assert.Contains("spec.containers[0].readinessProbe.httpGet.scheme: not supported", problems);
    }
}
