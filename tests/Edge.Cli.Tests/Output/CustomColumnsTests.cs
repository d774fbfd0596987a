using System.Text.Json.Nodes;
using Edge.Cli.Output;

namespace Edge.Cli.Tests.Output;

/// <summary>-o custom-columns as kubectl reads it: HEADER:PATH pairs, relaxed paths, several results joined by commas, &lt;none&gt; for nothing.</summary>
[Trait("Category", Category.Unit)]
public sealed class CustomColumnsTests
{
    private static readonly JsonNode Pod = JsonNode.Parse("""
        {"metadata": {"name": "web-1", "labels": {"app": "web"}},
         "spec": {"nodeName": "node-2", "containers": [{"name": "whoami"}, {"name": "sidecar"}]},
         "status": {"podIP": "10.244.2.5"}}
        """)!;

    [Fact]
    public void Each_column_is_what_its_path_selects_in_the_object()
    {
        CustomColumns columns = CustomColumns.Parse("NAME:.metadata.name,NODE:{.spec.nodeName},IP:status.podIP,CONTAINERS:.spec.containers[*].name,HOST:.status.hostIP");

        Assert.Equal(["NAME", "NODE", "IP", "CONTAINERS", "HOST"], columns.Headers);
        Assert.Equal(["web-1", "node-2", "10.244.2.5", "whoami,sidecar", "<none>"], columns.Cells(Pod));
    }

    [Fact]
    public void A_columns_file_has_the_headers_then_the_paths()
    {
        CustomColumns columns = CustomColumns.ParseFile("NAME   APP\n.metadata.name   .metadata.labels.app\n");

        Assert.Equal(["web-1", "web"], columns.Cells(Pod));
    }

    [Theory]
    [InlineData("NAME", "unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>")]
    [InlineData("", "custom-columns format specified but no custom columns given")]
    [InlineData(":.metadata.name", "unexpected custom-columns spec: :.metadata.name")]
    public void A_spec_kubectl_refuses_is_refused_in_its_words(string spec, string message)
    {
        Assert.StartsWith(message, Assert.Throws<FormatException>(() => CustomColumns.Parse(spec)).Message);
    }
}
