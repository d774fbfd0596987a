using System.Text.Json.Nodes;
using Edge.Host.Api;
using Edge.Host.Api.OpenApi;

namespace Edge.Host.Tests.Api;

/// <summary>
/// A value of the wrong type is found where kube-apiserver's decoder finds it, and said in its
/// words (Go's encoding/json: the innermost struct, the field's JSON path without indices, the
/// Go type); a manifest hears it plainly, with the path to its line.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class TypeCheckTests
{
    private static List<TypeCheck.Problem> Check(string kind, string json) =>
        TypeCheck.Problems((JsonObject)JsonNode.Parse(json)!, ApiTypes.Get(kind));

    private const string Deployment = "io.k8s.api.apps.v1.Deployment";
    private const string Pod = "io.k8s.api.core.v1.Pod";
    private const string Service = "io.k8s.api.core.v1.Service";

    [Theory]
    [InlineData(Deployment, """{"spec":{"replicas":"3"}}""", "spec.replicas", "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32")]
    [InlineData(Pod, """{"spec":{"containers":"web"}}""", "spec.containers", "json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container")]
    [InlineData(Deployment, """{"spec":{"template":{"spec":{"containers":[{"name":"a"},{"name":"b","image":5}]}}}}""", "spec.template.spec.containers[1].image",
        "json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.image of type string")]
    [InlineData(Pod, """{"metadata":{"labels":{"app":3}}}""", "metadata.labels.app", "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels.app of type string")]
    [InlineData(Pod, """{"spec":{"containers":[{"name":"a","ports":[{"containerPort":80.5}]}]}}""", "spec.containers[0].ports[0].containerPort",
        "json: cannot unmarshal number 80.5 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32")]
    [InlineData(Service, """{"spec":{"ports":[{"port":99999999999}]}}""", "spec.ports[0].port", "json: cannot unmarshal number 99999999999 into Go struct field ServicePort.spec.ports.port of type int32")]
    [InlineData(Pod, """{"spec":"nothing"}""", "spec", "json: cannot unmarshal string into Go struct field Pod.spec of type v1.PodSpec")]
    [InlineData(Pod, """{"spec":{"containers":[{"name":"a","args":["--port",8080]}]}}""", "spec.containers[0].args[1]", "json: cannot unmarshal number into Go struct field Container.spec.containers.args of type string")]
    public void A_wrong_type_is_found_and_said_as_kube_apiservers_decoder_says_it(string kind, string json, string path, string message)
    {
        TypeCheck.Problem wrong = Assert.Single(Check(kind, json));
        Assert.Equal((path, message), (wrong.Path, wrong.DecoderMessage));
    }

    [Fact]
    public void Right_types_nulls_and_Kubernetes_own_scalars_pass()
    {
        Assert.Empty(Check(Service, """{"metadata":{"name":"web","labels":null},"spec":{"ports":[{"port":80,"targetPort":"http"},{"port":81,"targetPort":8081}],"selector":{"app":"web"}}}"""));
        Assert.Empty(Check(Pod, """{"spec":{"containers":[{"name":"a","resources":{"limits":{"memory":"64Mi","cpu":0.5}}}],"affinity":{"anything":[1,2]}}}"""));
    }

    [Fact]
    public void A_manifest_hears_each_one_plainly()
    {
        List<TypeCheck.Problem> problems = Check(Deployment, """{"spec":{"replicas":"3","paused":"no"}}""");

        Assert.Equal(["must be a whole number, not a string (quoted)", "must be true or false, not a string (quoted)"], problems.Select(p => p.Plainly));
    }
}
