using System.Text.Json.Nodes;
using Edge.Dataplane.Mgmt;
using Edge.Host.Compile;
using Edge.Host.Printing;

namespace Edge.Host.Tests.Compile;

/// <summary>A container's probes as a board is given them: named ports resolved, the API server's defaults filled in.</summary>
[Trait("Category", Category.Unit)]
public sealed class ProbeCompilerTests
{
    private static JsonObject Container(string json) => (JsonObject)JsonNode.Parse(json)!;

    [Fact]
    public void An_httpGet_probe_on_a_named_port_with_headers_and_the_defaults()
    {
        JsonObject c = Container("""
            {"name": "web", "image": "whoami", "ports": [{"name": "http", "containerPort": 8080}],
             "readinessProbe": {"httpGet": {"path": "/health", "port": "http", "httpHeaders": [{"name": "X-Probe", "value": "edge"}]}, "periodSeconds": 2}}
            """);

        ProbeSpec?[] probes = ProbeCompiler.For(c)!;

        Assert.Null(probes[ProbeSpec.Startup]);
        Assert.Null(probes[ProbeSpec.Liveness]);
        ProbeSpec ready = probes[ProbeSpec.Readiness]!;
        Assert.Equal((ProbeSpec.HttpGet, 8080, "/health"), (ready.Handler, ready.Port, ready.Path));
        Assert.Equal(["/health", "X-Probe: edge"], ready.Words);
        Assert.Equal((0, 2, 1, 1, 3), (ready.InitialDelaySeconds, ready.PeriodSeconds, ready.TimeoutSeconds, ready.SuccessThreshold, ready.FailureThreshold));
        Assert.Equal("http-get http://:http/health delay=0s timeout=1s period=2s #success=1 #failure=3", ProbeDescription.Describe((JsonObject)c["readinessProbe"]!));
    }

    [Fact]
    public void Tcp_and_exec_probes_and_a_container_without_probes()
    {
        JsonObject c = Container("""
            {"name": "web", "image": "echo",
             "livenessProbe": {"tcpSocket": {"port": 7}, "initialDelaySeconds": 5, "failureThreshold": 2},
             "startupProbe": {"exec": {"command": ["nc", "-z", "127.0.0.1", "7"]}}}
            """);

        ProbeSpec?[] probes = ProbeCompiler.For(c)!;

        Assert.Equal((ProbeSpec.TcpSocket, 7, 5, 2), (probes[ProbeSpec.Liveness]!.Handler, probes[ProbeSpec.Liveness]!.Port, probes[ProbeSpec.Liveness]!.InitialDelaySeconds, probes[ProbeSpec.Liveness]!.FailureThreshold));
        Assert.Equal(["nc", "-z", "127.0.0.1", "7"], probes[ProbeSpec.Startup]!.Words);
        Assert.Equal("exec [nc -z 127.0.0.1 7] delay=0s timeout=1s period=10s #success=1 #failure=3", ProbeDescription.Describe((JsonObject)c["startupProbe"]!));
        Assert.Null(ProbeCompiler.For(Container("""{"name": "web", "image": "echo"}""")));
    }
}
