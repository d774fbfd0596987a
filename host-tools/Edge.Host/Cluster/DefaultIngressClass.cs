using System.Text.Json.Nodes;
using Edge.Host.Objects;
using Edge.Host.Store;

namespace Edge.Host.Cluster;

/// <summary>
/// The IngressClass <c>edge</c> (Edge's controller, the cluster's default), made the first time
/// a control plane starts on a store, so Ingresses written for any cluster, with or without
/// ingressClassName: edge, are served out of the box.
/// </summary>
/// <remarks>
/// Made once per store, never again: a user who edits it (say, takes away the default
/// annotation) or deletes it keeps that choice across restarts. The store remembers that it
/// was offered (<see cref="ObjectStore.Writer.FirstTime"/>), so a deleted class stays deleted;
/// a store that already holds an IngressClass of that name is left as it is.
/// </remarks>
public static class DefaultIngressClass
{
    public static void Seed(ObjectStore store) => store.Batch(w =>
    {
        if (w.FirstTime("ingressclass/" + IngressClasses.EdgeClassName) && w.Get("IngressClass", "", IngressClasses.EdgeClassName) == null)
        {
            w.Create(New());
        }
    });

    public static KubeObject New() => new(new JsonObject
    {
        ["apiVersion"] = "networking.k8s.io/v1",
        ["kind"] = "IngressClass",
        ["metadata"] = new JsonObject
        {
            ["name"] = IngressClasses.EdgeClassName,
            ["annotations"] = new JsonObject { [IngressClasses.DefaultClassAnnotation] = "true" },
        },
        ["spec"] = new JsonObject { ["controller"] = IngressClasses.Controller },
    });
}
