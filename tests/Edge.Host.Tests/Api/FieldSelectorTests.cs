using System.Text.Json.Nodes;
using Edge.Host.Api;
using Edge.Host.Objects;

namespace Edge.Host.Tests.Api;

/// <summary>
/// fieldSelector as kube-apiserver takes it (apimachinery's fields.ParseSelector, and each kind's
/// field labels): what kubectl describe asks for an object's events, and kubectl drain for a
/// node's pods.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class FieldSelectorTests
{
    private static KubeObject Obj(string json) => new((JsonObject)JsonNode.Parse(json)!);

    private static readonly KubeObject WebOnNode2 = Obj("""
        {"kind":"Pod","metadata":{"name":"web-1","namespace":"default"},"spec":{"nodeName":"node-2"},"status":{"phase":"Running","podIP":"10.244.2.3"}}
        """);

    private static readonly KubeObject Scheduled = Obj("""
        {"kind":"Event","metadata":{"name":"web-1.abc","namespace":"default"},"involvedObject":{"kind":"Pod","namespace":"default","name":"web-1","uid":"u-1"},"reason":"Scheduled","type":"Normal","source":{"component":"default-scheduler"}}
        """);

    [Theory]
    [InlineData("spec.nodeName=node-2", true)]
    [InlineData("spec.nodeName==node-2", true)]
    [InlineData("spec.nodeName!=node-2", false)]
    [InlineData("spec.nodeName=node-2,status.phase=Running", true)]   // every requirement holds
    [InlineData("spec.nodeName=node-2,status.phase!=Running", false)]
    [InlineData("metadata.name=web-1,metadata.namespace=default", true)]
    [InlineData("status.podIP=10.244.2.3", true)]
    [InlineData("spec.restartPolicy=", true)]                           // a field the object lacks is the empty string
    [InlineData("spec.hostNetwork=false", true)]                        // ... and a boolean it lacks is false
    public void A_pods_fields_as_kubectl_drain_asks_for_them(string selector, bool matches) =>
        Assert.Equal(matches, FieldSelector.Parse(selector, "Pod")!.Matches(WebOnNode2));

    [Theory]
    [InlineData("involvedObject.name=web-1,involvedObject.namespace=default,involvedObject.kind=Pod,involvedObject.uid=u-1", true)] // kubectl describe's
    [InlineData("involvedObject.name=web-1,involvedObject.namespace=default,involvedObject.kind=Pod,involvedObject.uid=u-2", false)] // a pod of the same name before
    [InlineData("reason=Scheduled,type=Normal,source=default-scheduler", true)]
    public void An_events_fields_find_the_object_it_is_about(string selector, bool matches) =>
        Assert.Equal(matches, FieldSelector.Parse(selector, "Event")!.Matches(Scheduled));

    [Fact]
    public void A_backslash_escapes_a_comma_or_an_equals_sign_in_a_value()
    {
        KubeObject odd = Obj("""{"kind":"Pod","metadata":{"name":"a,b=c","namespace":"default"}}""");
        Assert.True(FieldSelector.Parse(@"metadata.name=a\,b\=c", "Pod")!.Matches(odd));
    }

    [Fact]
    public void No_selector_is_everything()
    {
        Assert.Null(FieldSelector.Parse(null, "Pod"));
        Assert.Null(FieldSelector.Parse("", "Pod"));
    }

    [Theory]
    [InlineData("spec.containers=x", "Pod", "field label not supported: spec.containers")]
    [InlineData("spec.nodeName=node-2", "Service", "field label not supported: spec.nodeName")]
    [InlineData("spec.nodeName", "Pod", "invalid selector: 'spec.nodeName'; can't understand 'spec.nodeName'")]
    public void A_field_the_kind_does_not_offer_is_refused_in_kube_apiservers_words(string selector, string kind, string message)
    {
        ApiException refused = Assert.Throws<ApiException>(() => FieldSelector.Parse(selector, kind));
        Assert.Equal((400, message), (refused.Code, refused.Message));
    }
}
