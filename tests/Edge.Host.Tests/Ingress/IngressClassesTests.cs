using System.Text.Json.Nodes;
using Edge.Host.Cluster;
using Edge.Host.Objects;

namespace Edge.Host.Tests.Ingress;

/// <summary>Which Ingresses are Edge's, decided as ingress-nginx decides which are its own.</summary>
[Trait("Category", Category.Unit)]
public sealed class IngressClassesTests
{
    private static KubeObject Class(string name, string controller, bool isDefault = false) => new(new JsonObject
    {
        ["apiVersion"] = "networking.k8s.io/v1",
        ["kind"] = "IngressClass",
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["annotations"] = isDefault ? new JsonObject { [IngressClasses.DefaultClassAnnotation] = "true" } : null,
        },
        ["spec"] = new JsonObject { ["controller"] = controller },
    });

    private static KubeObject Ingress(string? className = null, string? legacyAnnotation = null) => new(new JsonObject
    {
        ["apiVersion"] = "networking.k8s.io/v1",
        ["kind"] = "Ingress",
        ["metadata"] = new JsonObject
        {
            ["name"] = "web",
            ["namespace"] = "default",
            ["annotations"] = legacyAnnotation == null ? null : new JsonObject { [IngressClasses.LegacyClassAnnotation] = legacyAnnotation },
        },
        ["spec"] = new JsonObject
        {
            ["ingressClassName"] = className,
            ["defaultBackend"] = new JsonObject { ["service"] = new JsonObject { ["name"] = "web", ["port"] = new JsonObject { ["number"] = 80 } } },
        },
    });

    private static readonly KubeObject Edge = DefaultIngressClass.New();
    private static readonly KubeObject EdgeNotDefault = Class("edge-internal", IngressClasses.Controller);
    private static readonly KubeObject Nginx = Class("nginx", "k8s.io/ingress-nginx");
    private static readonly KubeObject NginxDefault = Class("nginx", "k8s.io/ingress-nginx", isDefault: true);

    public static TheoryData<string, KubeObject, KubeObject[], bool> Cases => new()
    {
        { "names Edge's class", Ingress("edge"), [Edge, Nginx], true },
        { "names another Edge class, not the default", Ingress("edge-internal"), [Edge, EdgeNotDefault], true },
        { "names another controller's class: left alone", Ingress("nginx"), [Edge, Nginx], false },
        { "names a class that does not exist", Ingress("traefik"), [Edge, Nginx], false },
        { "names Edge's class, since deleted", Ingress("edge"), [Nginx], false },
        { "names no class, Edge's is the default", Ingress(), [Edge, Nginx], true },
        { "names no class, another controller's is the default", Ingress(), [EdgeNotDefault, NginxDefault], false },
        { "names no class and there is no default", Ingress(), [EdgeNotDefault, Nginx], false },
        { "names no class, no class left at all", Ingress(), [], false },
        { "legacy annotation names Edge's class", Ingress(legacyAnnotation: "edge-internal"), [EdgeNotDefault], true },
        { "legacy annotation names another controller's class, Edge's is the default", Ingress(legacyAnnotation: "nginx"), [Edge, Nginx], false },
        { "legacy annotation names a class that does not exist", Ingress(legacyAnnotation: "nginx"), [Edge], false },
        { "an empty class name is no class name", Ingress(""), [Edge], true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void An_ingress_is_Edges_when_its_class_is(string why, KubeObject ingress, KubeObject[] classes, bool served)
    {
        Assert.True(IngressClasses.ServedByEdge(ingress, classes) == served, why);
    }

    [Fact]
    public void The_class_Edge_makes_is_Edges_and_the_default()
    {
        KubeObject edge = DefaultIngressClass.New();

        Assert.Equal((IngressClasses.EdgeClassName, IngressClasses.Controller), (edge.Name, (string?)edge.Spec!["controller"]));
        Assert.True(IngressClasses.IsDefault(edge));
        Assert.Equal("edge.dev/ingress-controller", IngressClasses.Controller);
    }

    [Fact]
    public void An_Ingress_created_without_a_class_gets_the_default_class_as_the_admission_plugin_gives_it()
    {
        KubeObject none = Ingress();
        IngressClasses.AdmitDefaultClass(none, [Class("other", "example.com/other"), DefaultIngressClass.New()]);
        Assert.Equal("edge", (string?)none.Spec!["ingressClassName"]);

        KubeObject named = Ingress("mine");
        IngressClasses.AdmitDefaultClass(named, [DefaultIngressClass.New()]);
        Assert.Equal("mine", (string?)named.Spec!["ingressClassName"]);

        KubeObject legacy = Ingress(null, "nginx");
        IngressClasses.AdmitDefaultClass(legacy, [DefaultIngressClass.New()]);
        Assert.Null(legacy.Spec?["ingressClassName"]);

        KubeObject noDefault = Ingress();
        IngressClasses.AdmitDefaultClass(noDefault, [Class("other", "example.com/other")]);
        Assert.Null(noDefault.Spec?["ingressClassName"]);
    }
}
