using System.Text.Json.Nodes;
using Edge.Host.Objects;

namespace Edge.Host.Tests.Objects;

/// <summary>A pod's probes and ports as kube-apiserver stores them: its defaults filled in, what was given kept.</summary>
[Trait("Category", Category.Unit)]
public sealed class PodDefaultsTests
{
    [Fact]
    public void Probes_get_the_api_servers_timing_path_and_scheme_and_ports_their_protocol()
    {
        var spec = (JsonObject)JsonNode.Parse("""
            {"containers": [{"name": "web", "image": "whoami",
              "ports": [{"name": "http", "containerPort": 80}, {"containerPort": 53, "protocol": "UDP"}],
              "readinessProbe": {"httpGet": {"port": "http"}, "periodSeconds": 1, "failureThreshold": 0},
              "livenessProbe": {"tcpSocket": {"port": 80}, "timeoutSeconds": 5}}]}
            """)!;

        PodDefaults.Apply(spec);

        JsonNode c = spec["containers"]![0]!;
        Assert.Equal(["TCP", "UDP"], c["ports"]!.AsArray().Select(p => (string?)p!["protocol"]));
        Assert.Equal("""{"httpGet":{"port":"http","path":"/","scheme":"HTTP"},"periodSeconds":1,"failureThreshold":3,"timeoutSeconds":1,"successThreshold":1}""", c["readinessProbe"]!.ToJsonString());
        Assert.Equal((5, 10, 1, 3), ((int)c["livenessProbe"]!["timeoutSeconds"]!, (int)c["livenessProbe"]!["periodSeconds"]!, (int)c["livenessProbe"]!["successThreshold"]!, (int)c["livenessProbe"]!["failureThreshold"]!));
        Assert.Null(c["livenessProbe"]!["httpGet"]);
    }
}
