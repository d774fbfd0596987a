using System.Text.Json.Nodes;
using Edge.Cli.Output;

namespace Edge.Cli.Tests.Output;

/// <summary>The templates the Kubernetes JSONPath support page shows, against a list of pods as `get pods -o json` prints it.</summary>
[Trait("Category", Category.Unit)]
public sealed class JsonPathTemplateTests
{
    private static readonly JsonNode Pods = JsonNode.Parse("""
        {"kind": "List", "items": [
          {"kind": "Pod", "metadata": {"name": "web-1", "labels": {"app": "web"}, "annotations": {"kubectl.kubernetes.io/restartedAt": "2026-12-05T06:00:00Z"}},
           "status": {"podIP": "10.244.1.2", "conditions": [{"type": "Ready", "status": "True"}, {"type": "Initialized", "status": "True"}]},
           "spec": {"containers": [{"name": "whoami", "ports": [{"containerPort": 80}]}]}},
          {"kind": "Pod", "metadata": {"name": "client"},
           "status": {"podIP": "10.244.2.3", "conditions": [{"type": "Ready", "status": "False"}]},
           "spec": {"containers": [{"name": "toolbox"}]}}
        ]}
        """)!;

    [Theory]
    [InlineData("{.items[*].metadata.name}", "web-1 client")]
    [InlineData("{.items[0].status.podIP}", "10.244.1.2")]
    [InlineData("{.items[-1].metadata.name}", "client")]
    [InlineData("{range .items[*]}{.metadata.name}{\"\\t\"}{.status.podIP}{\"\\n\"}{end}", "web-1\t10.244.1.2\nclient\t10.244.2.3\n")]
    [InlineData("{.items[?(@.metadata.name==\"client\")].status.podIP}", "10.244.2.3")]
    [InlineData("{.items[*].status.conditions[?(@.type==\"Ready\")].status}", "True False")]
    [InlineData("{..containerPort}", "80")]
    [InlineData("{.items[0].metadata.labels['app']}", "web")]
    [InlineData("{.items[0].metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}", "2026-12-05T06:00:00Z")] // an escaped dot is part of the name
    [InlineData("{.items[0].spec.containers[0].ports}", "[{\"containerPort\":80}]")]
    [InlineData("names: {.items[*].metadata.name}!", "names: web-1 client!")]
    [InlineData("{$.kind}", "List")]
    [InlineData("{.items[5].metadata.name}", "")]
    public void A_template_gives_what_kubectl_gives(string template, string expected)
    {
        Assert.Equal(expected, JsonPathTemplate.Evaluate(template, Pods));
    }

    [Theory]
    [InlineData("{.items[*].metadata.name", "unclosed")]
    [InlineData("{range .items[*]}{.metadata.name}", "{range} without {end}")]
    [InlineData("{.items[1:2]}", "cannot read [1:2]")]
    public void A_template_it_cannot_read_says_why(string template, string message)
    {
        var e = Assert.Throws<FormatException>(() => JsonPathTemplate.Evaluate(template, Pods));
        Assert.Contains(message, e.Message);
    }
}
