using System.Text.Json.Nodes;
using Edge.Host.Api;

namespace Edge.Host.Tests.Api;

/// <summary>JSON patch (RFC 6902) as kubectl rollout undo and kubectl patch --type json send it.</summary>
[Trait("Category", Category.Unit)]
public sealed class JsonPatchTests
{
    private static string Patch(string target, string patch) =>
        JsonPatch.Apply((JsonObject)JsonNode.Parse(target)!, JsonNode.Parse(patch)).ToJsonString();

    [Theory]
    [InlineData("""{"spec":{"template":{"a":1}}}""", """[{"op":"replace","path":"/spec/template","value":{"b":2}}]""", """{"spec":{"template":{"b":2}}}""")]
    [InlineData("""{"metadata":{}}""", """[{"op":"replace","path":"/metadata/annotations","value":{"x":"1"}}]""", """{"metadata":{"annotations":{"x":"1"}}}""")] // replace of a missing member adds it
    [InlineData("""{"a":[1,3]}""", """[{"op":"add","path":"/a/1","value":2},{"op":"add","path":"/a/-","value":4}]""", """{"a":[1,2,3,4]}""")]
    [InlineData("""{"a":{"b/c":1,"d":2}}""", """[{"op":"remove","path":"/a/b~1c"},{"op":"test","path":"/a/d","value":2}]""", """{"a":{"d":2}}""")]
    [InlineData("""{"a":1}""", """[{"op":"copy","from":"/a","path":"/b"},{"op":"move","from":"/a","path":"/c"}]""", """{"b":1,"c":1}""")]
    public void Operations_apply_in_order(string target, string patch, string expected) => Assert.Equal(expected, Patch(target, patch));

    [Theory]
    [InlineData("""[{"op":"remove","path":"/missing"}]""", "remove operation does not apply: doc is missing path: \"/missing\"")]
    [InlineData("""[{"op":"test","path":"/a","value":2}]""", "testing value /a failed")]
    [InlineData("""[{"op":"add","path":"/x/y","value":2}]""", "doc is missing path: \"/x/y\"")]
    [InlineData("""{"op":"add"}""", "a JSON patch is a list of operations")]
    public void A_patch_that_cannot_apply_is_refused_as_invalid(string patch, string message)
    {
        ApiException refused = Assert.Throws<ApiException>(() => Patch("""{"a":1}""", patch));
        Assert.Equal((422, message), (refused.Code, refused.Message));
    }
}
