using System.Text.Json.Nodes;
using Edge.Host.Objects;
using Edge.Host.Store;
using Microsoft.AspNetCore.Http;

namespace Edge.Host.Api;

/// <summary>
/// What a DELETE does to the objects the deleted one owns (their ownerReferences name its uid),
/// by <c>propagationPolicy</c> (DeleteOptions in the body, as kubectl sends it, or the query):
/// <c>Background</c> (the default) deletes the owner and leaves its dependents to the garbage
/// collector; <c>Foreground</c> deletes the dependents, theirs first, then the owner, in one
/// write (Kubernetes keeps the owner with a finalizer until they are gone; here nothing is seen
/// in between); <c>Orphan</c> (<c>kubectl delete --cascade=orphan</c>) takes the owner's
/// reference off every dependent, which then lives on without it.
/// </summary>
public static class DeletePropagation
{
    public const string Background = "Background";
    public const string Foreground = "Foreground";
    public const string Orphan = "Orphan";

    /// <summary>The policy the request asks for (the body's DeleteOptions first, then ?propagationPolicy=), Background when none.</summary>
    public static async Task<string> PolicyOf(HttpContext context)
    {
        string? policy = context.Request.Query["propagationPolicy"];
        if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            JsonNode? options = await JsonNode.ParseAsync(context.Request.Body);
            policy = (string?)options?["propagationPolicy"] ?? ((bool?)options?["orphanDependents"] == true ? Orphan : policy);
        }

        return policy switch
        {
            null or "" => Background,
            Background or Foreground or Orphan => policy,
            _ => throw new ApiException(422, "Invalid", $"propagationPolicy: Unsupported value: \"{policy}\": supported values: \"Foreground\", \"Background\", \"Orphan\""),
        };
    }

    public static KubeObject Delete(ObjectStore store, string kind, string ns, string name, string policy) => store.Batch(w =>
    {
        if (policy != Background && w.Get(kind, ns, name)?.Metadata["uid"] is JsonNode ownerUid && (string?)ownerUid is string uid)
        {
            foreach (KubeObject dependent in Dependents(w, ns, uid))
            {
                if (policy == Orphan)
                {
                    KubeObject freed = dependent.Clone();
                    var references = (JsonArray)freed.Metadata["ownerReferences"]!;
                    foreach (JsonNode? reference in references.Where(o => (string?)o?["uid"] == uid).ToList())
                    {
                        references.Remove(reference);
                    }

                    if (references.Count == 0)
                    {
                        freed.Metadata.Remove("ownerReferences");
                    }

                    w.Update(freed);
                }
                else
                {
                    DeleteWithDependents(w, dependent);
                }
            }
        }

        return w.Delete(kind, ns, name);
    });

    private static void DeleteWithDependents(ObjectStore.Writer w, KubeObject obj)
    {
        if ((string?)obj.Metadata["uid"] is string uid)
        {
            foreach (KubeObject dependent in Dependents(w, obj.Namespace, uid))
            {
                DeleteWithDependents(w, dependent);
            }
        }

        w.Delete(obj.Kind, obj.Namespace, obj.Name);
    }

    /// <summary>The objects in the namespace whose ownerReferences name <paramref name="uid"/> (what Edge's controllers own: replica sets and pods).</summary>
    private static IEnumerable<KubeObject> Dependents(ObjectStore.Writer w, string ns, string uid) =>
        new[] { "ReplicaSet", "Pod" }.SelectMany(w.All)
            .Where(o => o.Namespace == ns && (o.Metadata["ownerReferences"] as JsonArray)?.Any(r => (string?)r?["uid"] == uid) == true)
            .ToList();
}
