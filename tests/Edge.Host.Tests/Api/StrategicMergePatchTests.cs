using System.Text.Json.Nodes;
using Edge.Host.Api;
using Edge.Host.Api.OpenApi;

namespace Edge.Host.Tests.Api;

/// <summary>
/// Strategic merge patch as Kubernetes documents it ("Update API Objects in Place Using kubectl
/// patch", and the strategic-merge-patch design in kubernetes/community): lists with a merge key
/// merge item by item, other lists are replaced, and kubectl's directives do what they say.
/// Each case is a live object, a patch and what the object must become.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class StrategicMergePatchTests
{
    private static readonly ApiType Pod = ApiTypes.Get("io.k8s.api.core.v1.Pod");
    private static readonly ApiType Deployment = ApiTypes.Get("io.k8s.api.apps.v1.Deployment");
    private static readonly ApiType Service = ApiTypes.Get("io.k8s.api.core.v1.Service");

    private static void Patched(ApiType type, string live, string patch, string expected)
    {
        JsonObject result = StrategicMergePatch.Apply((JsonObject)JsonNode.Parse(live)!, JsonNode.Parse(patch), type);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), result), result.ToJsonString());
    }

    [Fact]
    public void Containers_merge_by_name_a_new_one_is_added_and_the_others_stay()
    {
        // The documentation's example: patching in a second container keeps the first.
        Patched(Pod,
            """{"spec":{"containers":[{"name":"patch-demo-ctr","image":"nginx"}]}}""",
            """{"spec":{"containers":[{"name":"patch-demo-ctr-2","image":"redis"}]}}""",
            """{"spec":{"containers":[{"name":"patch-demo-ctr","image":"nginx"},{"name":"patch-demo-ctr-2","image":"redis"}]}}""");
    }

    [Fact]
    public void An_item_with_the_same_key_is_merged_into_not_replaced()
    {
        Patched(Pod,
            """{"spec":{"containers":[{"name":"web","image":"whoami","args":["--port","80"],"env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]}]}}""",
            """{"spec":{"containers":[{"name":"web","image":"echo","env":[{"name":"B","value":"3"}]}]}}""",
            """{"spec":{"containers":[{"name":"web","image":"echo","args":["--port","80"],"env":[{"name":"A","value":"1"},{"name":"B","value":"3"}]}]}}""");
    }

    [Fact]
    public void A_list_without_a_merge_key_is_replaced_whole_as_in_a_JSON_merge_patch()
    {
        // args and tolerations have no patch strategy in Kubernetes: replace.
        Patched(Pod,
            """{"spec":{"tolerations":[{"key":"a","operator":"Exists"}],"containers":[{"name":"web","args":["--port","80"]}]}}""",
            """{"spec":{"tolerations":[{"key":"b","operator":"Exists"}],"containers":[{"name":"web","args":["--name","x"]}]}}""",
            """{"spec":{"tolerations":[{"key":"b","operator":"Exists"}],"containers":[{"name":"web","args":["--name","x"]}]}}""");
    }

    [Fact]
    public void Null_removes_a_member_and_a_label()
    {
        Patched(Pod,
            """{"metadata":{"labels":{"app":"web","tier":"front"}},"spec":{"nodeName":"node-1","restartPolicy":"Always"}}""",
            """{"metadata":{"labels":{"tier":null}},"spec":{"nodeName":null}}""",
            """{"metadata":{"labels":{"app":"web"}},"spec":{"restartPolicy":"Always"}}""");
    }

    [Fact]
    public void Patch_delete_takes_one_item_out_by_its_key()
    {
        Patched(Pod,
            """{"spec":{"containers":[{"name":"a","image":"hello"},{"name":"b","image":"echo"}]}}""",
            """{"spec":{"containers":[{"name":"a","$patch":"delete"}]}}""",
            """{"spec":{"containers":[{"name":"b","image":"echo"}]}}""");
    }

    [Fact]
    public void Patch_replace_in_a_list_replaces_the_list_and_on_an_object_replaces_the_object()
    {
        Patched(Pod,
            """{"spec":{"containers":[{"name":"a","image":"hello"},{"name":"b","image":"echo"}]}}""",
            """{"spec":{"containers":[{"name":"c","image":"toolbox"},{"$patch":"replace"}]}}""",
            """{"spec":{"containers":[{"name":"c","image":"toolbox"}]}}""");
        Patched(Deployment,
            """{"spec":{"selector":{"matchLabels":{"app":"web","tier":"x"}}}}""",
            """{"spec":{"selector":{"$patch":"replace","matchLabels":{"app":"web"}}}}""",
            """{"spec":{"selector":{"matchLabels":{"app":"web"}}}}""");
        Patched(Pod,
            """{"spec":{"containers":[{"name":"a","image":"hello","args":["x"]},{"name":"b"}]}}""",
            """{"spec":{"containers":[{"name":"a","image":"echo","$patch":"replace"}]}}""",
            """{"spec":{"containers":[{"name":"a","image":"echo"},{"name":"b"}]}}""");
    }

    [Fact]
    public void Retain_keys_clears_the_members_it_does_not_name_as_kubectl_asks_when_a_strategy_changes()
    {
        // What kubectl apply sends when a deployment's strategy changes from RollingUpdate to Recreate.
        Patched(Deployment,
            """{"spec":{"replicas":3,"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}}}}""",
            """{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate","rollingUpdate":null}}}""",
            """{"spec":{"replicas":3,"strategy":{"type":"Recreate"}}}""");
    }

    [Fact]
    public void Set_element_order_puts_the_patchs_order_first_and_the_servers_own_items_after()
    {
        Patched(Pod,
            """{"spec":{"containers":[{"name":"a","image":"1"},{"name":"b","image":"2"},{"name":"sidecar","image":"3"}]}}""",
            """{"spec":{"$setElementOrder/containers":[{"name":"b"},{"name":"a"}],"containers":[{"name":"a","image":"9"}]}}""",
            """{"spec":{"containers":[{"name":"b","image":"2"},{"name":"a","image":"9"},{"name":"sidecar","image":"3"}]}}""");
    }

    [Fact]
    public void Finalizers_are_a_set_patches_add_to_and_delete_from_primitive_list_takes_from()
    {
        Patched(Pod,
            """{"metadata":{"finalizers":["a","b"]}}""",
            """{"metadata":{"finalizers":["c","a"]}}""",
            """{"metadata":{"finalizers":["a","b","c"]}}""");
        Patched(Pod,
            """{"metadata":{"finalizers":["a","b","c"]}}""",
            """{"metadata":{"$deleteFromPrimitiveList/finalizers":["b"]}}""",
            """{"metadata":{"finalizers":["a","c"]}}""");
    }

    [Fact]
    public void Service_ports_merge_by_port_as_kubectl_apply_changes_a_target_port()
    {
        Patched(Service,
            """{"spec":{"ports":[{"port":80,"protocol":"TCP","targetPort":80},{"port":53,"protocol":"UDP","targetPort":53}]}}""",
            """{"spec":{"$setElementOrder/ports":[{"port":80},{"port":53}],"ports":[{"port":80,"targetPort":8080}]}}""",
            """{"spec":{"ports":[{"port":80,"protocol":"TCP","targetPort":8080},{"port":53,"protocol":"UDP","targetPort":53}]}}""");
    }

    [Fact]
    public void Directives_never_end_up_in_the_object_even_inside_a_new_item()
    {
        Patched(Pod,
            """{"spec":{}}""",
            """{"spec":{"containers":[{"name":"a","image":"hello","$setElementOrder/env":[{"name":"X"}],"env":[{"name":"X","value":"1"}]}]}}""",
            """{"spec":{"containers":[{"name":"a","image":"hello","env":[{"name":"X","value":"1"}]}]}}""");
    }

    [Theory]
    [InlineData("""{"spec":{"containers":[{"image":"hello"}]}}""", "does not contain declared merge key: name")]
    [InlineData("""{"spec":{"containers":["hello"]}}""", "an item of a list merged by name must be an object")]
    [InlineData("""{"spec":{"$patch":"merge-it"}}""", "unknown patch type: \"merge-it\"")]
    [InlineData("""["not", "an", "object"]""", "a strategic merge patch is a JSON object")]
    [InlineData("""{"$patch":"delete"}""", "cannot delete the object it patches")]
    public void A_patch_Kubernetes_would_refuse_is_refused_with_why(string patch, string why)
    {
        var e = Assert.Throws<FormatException>(() => StrategicMergePatch.Apply((JsonObject)JsonNode.Parse("""{"spec":{"containers":[{"name":"a"}]}}""")!, JsonNode.Parse(patch), Pod));
        Assert.Contains(why, e.Message);
    }
}
