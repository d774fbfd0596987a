using System.Text.Json.Nodes;
using Edge.Host.Objects;

namespace Edge.Host.Tests.Objects;

[Trait("Category", Category.Unit)]
public sealed class LabelSelectorTests
{
    private static readonly Dictionary<string, string> Web = new() { ["app"] = "web", ["tier"] = "front", ["env"] = "lab" };
    private static readonly Dictionary<string, string> Db = new() { ["app"] = "db", ["env"] = "prod" };

    [Theory]
    [InlineData("", true, true)]
    [InlineData("app=web", true, false)]
    [InlineData("app==web", true, false)]
    [InlineData("app!=web", false, true)]
    [InlineData("tier!=back", true, true)] // db has no tier: != matches it, as in Kubernetes
    [InlineData("env in (lab, test)", true, false)]
    [InlineData("env notin (lab)", false, true)]
    [InlineData("tier", true, false)]
    [InlineData("!tier", false, true)]
    [InlineData("app in (web,db),env!=prod", true, false)]
    [InlineData(" app = web , tier ", true, false)]
    public void Text_selectors_match_as_kubectl_does(string selector, bool matchesWeb, bool matchesDb)
    {
        LabelSelector parsed = LabelSelector.Parse(selector);

        Assert.Equal(matchesWeb, parsed.Matches(Web));
        Assert.Equal(matchesDb, parsed.Matches(Db));
    }

    [Theory]
    [InlineData("app=web,", "\"\": it is empty")]
    [InlineData("app in web", "\"app in web\"")]
    [InlineData("app=a=b", "\"a=b\" is not a label value")]
    [InlineData("ap p", "\"ap p\" is not a label key")]
    public void Bad_selectors_say_what_one_looks_like(string selector, string expected)
    {
        var e = Assert.Throws<FormatException>(() => LabelSelector.Parse(selector));

        Assert.Contains(expected, e.Message);
        Assert.Contains("selectors look like app=web", e.Message);
    }

    [Fact]
    public void Object_selectors_combine_matchLabels_and_matchExpressions()
    {
        var selector = LabelSelector.FromJson(JsonNode.Parse("""
            {"matchLabels": {"app": "web"},
             "matchExpressions": [{"key": "env", "operator": "In", "values": ["lab", "test"]}, {"key": "canary", "operator": "DoesNotExist"}]}
            """))!;

        Assert.True(selector.Matches(Web));
        Assert.False(selector.Matches(Db));
        Assert.Equal("app=web,env in (lab,test),!canary", selector.ToString());
    }

    [Fact]
    public void A_service_selector_is_a_plain_map_and_a_missing_one_selects_nothing()
    {
        Assert.True(LabelSelector.FromJson(JsonNode.Parse("""{"app": "db"}"""))!.Matches(Db));
        Assert.Null(LabelSelector.FromJson(null));
        Assert.True(LabelSelector.FromJson(new JsonObject())!.IsEmpty);
    }
}
