using System.Globalization;
using System.Text.Json.Nodes;
using Edge.Host.Objects;

namespace Edge.Host.Controllers;

/// <summary>
/// A deployment's revisions, kept as Kubernetes keeps them: one ReplicaSet per pod template the
/// deployment has run, named &lt;deployment&gt;-&lt;pod-template-hash&gt;, controlled by the deployment,
/// carrying deployment.kubernetes.io/revision. A new template takes the next revision; a template
/// that comes back (an undo) takes the next revision too and its old ReplicaSet is reused. At most
/// spec.revisionHistoryLimit (10) old ReplicaSets with no pods are kept, the oldest go first.
/// What `kubectl rollout history|undo` reads and `kubectl get rs` shows.
///
/// The pods themselves stay owned by the Deployment (the planner counts them by hash): a
/// ReplicaSet here is the record of a revision and its counts, not a controller of its own, so a
/// ReplicaSet created by hand runs nothing.
/// </summary>
public static class ReplicaSetHistory
{
    public const string RevisionAnnotation = "deployment.kubernetes.io/revision";
    public const string ChangeCauseAnnotation = "kubernetes.io/change-cause";
    public const string HashLabel = "pod-template-hash";

    /// <summary>
    /// The deployment's ReplicaSets as they should be after this step of <paramref name="plan"/>:
    /// each with spec.replicas the pods of its template the deployment wants now and status its
    /// pods' counts; those beyond the history limit to delete; the current template's revision.
    /// </summary>
    public static ReplicaSetSync Sync(KubeObject deployment, IReadOnlyList<KubeObject> replicaSets, IReadOnlyList<KubeObject> pods, DeploymentPlan plan)
    {
        string hash = plan.TemplateHash;
        KubeObject? current = replicaSets.FirstOrDefault(rs => HashOf(rs) == hash);
        long newest = replicaSets.Where(rs => rs != current).Select(Revision).DefaultIfEmpty(0).Max();
        long revision = current != null && Revision(current) > newest ? Revision(current) : newest + 1;

        var live = pods.Where(p => p.Metadata["deletionTimestamp"] == null && (string?)p.Json["status"]?["phase"] is not ("Succeeded" or "Failed")).ToList();
        var deleted = plan.Delete.ToHashSet();
        int Wanted(string h) => live.Count(p => p.Labels.GetValueOrDefault(HashLabel) == h && !deleted.Contains(p.Name))
            + plan.Create.Count(p => p.Labels.GetValueOrDefault(HashLabel) == h);

        // Old templates' pods were made from the ReplicaSet's template, kept since (no ReplicaSet for
        // pods older than this controller: a revision is only recorded from the template it saw).
        var write = new List<KubeObject>();
        var kept = new List<KubeObject>();
        foreach (KubeObject rs in replicaSets.Where(rs => rs != current))
        {
            var updated = new KubeObject((JsonObject)rs.Json.DeepClone());
            updated.Spec!["replicas"] = Wanted(HashOf(rs));
            updated.Json["status"] = Status(updated, live, HashOf(rs));
            kept.Add(updated);
        }

        // The current template's: made from the deployment's template now, so it is the one kubectl finds as new.
        KubeObject own = New(deployment, hash, revision, current);
        own.Spec!["replicas"] = Wanted(hash);
        own.Json["status"] = Status(own, live, hash);
        write.Add(own);

        int limit = JsonNumbers.AsInt(deployment.Spec?["revisionHistoryLimit"]) ?? 10;
        List<KubeObject> retired = kept
            .Where(rs => JsonNumbers.AsInt(rs.Spec!["replicas"]) == 0 && JsonNumbers.AsInt(rs.Json["status"]!["replicas"]) == 0)
            .OrderBy(Revision).ToList();
        List<string> delete = retired.Take(Math.Max(0, retired.Count - Math.Max(0, limit))).Select(rs => rs.Name).ToList();
        write.AddRange(kept.Where(rs => !delete.Contains(rs.Name)));
        return new ReplicaSetSync(write, delete, revision);
    }

    /// <summary>The revision a ReplicaSet (or a Deployment) carries; 0 when it has none.</summary>
    public static long Revision(KubeObject o) =>
        long.TryParse((string?)o.Metadata["annotations"]?[RevisionAnnotation], NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : 0;

    private static string HashOf(KubeObject rs) => rs.Labels.GetValueOrDefault(HashLabel) ?? "";

    private static JsonObject Status(KubeObject rs, List<KubeObject> live, string hash)
    {
        var mine = live.Where(p => p.Labels.GetValueOrDefault(HashLabel) == hash).ToList();
        int ready = mine.Count(EndpointsBuilder.IsReady);
        return new JsonObject
        {
            ["replicas"] = mine.Count,
            ["fullyLabeledReplicas"] = mine.Count,
            ["readyReplicas"] = ready,
            ["availableReplicas"] = ready,
            ["observedGeneration"] = JsonNumbers.AsLong(rs.Metadata["generation"]) ?? 1,
        };
    }

    // The ReplicaSet of the deployment's template: its labels and selector with the hash, its
    // revision and change cause (kubectl's CHANGE-CAUSE) from the deployment as it is now.
    private static KubeObject New(KubeObject deployment, string hash, long revision, KubeObject? existing)
    {
        var template = deployment.Spec?["template"]?.DeepClone() as JsonObject ?? [];
        var templateMetadata = template["metadata"] as JsonObject ?? (JsonObject)(template["metadata"] = new JsonObject());
        var labels = templateMetadata["labels"] as JsonObject ?? (JsonObject)(templateMetadata["labels"] = new JsonObject());
        labels[HashLabel] = hash;

        var selector = deployment.Spec?["selector"]?.DeepClone() as JsonObject ?? [];
        var matchLabels = selector["matchLabels"] as JsonObject ?? (JsonObject)(selector["matchLabels"] = new JsonObject());
        matchLabels[HashLabel] = hash;

        var metadata = existing?.Metadata.DeepClone() as JsonObject ?? new JsonObject
        {
            ["name"] = $"{deployment.Name}-{hash}",
            ["namespace"] = deployment.Namespace,
            ["ownerReferences"] = new JsonArray(new JsonObject
            {
                ["apiVersion"] = "apps/v1",
                ["kind"] = "Deployment",
                ["name"] = deployment.Name,
                ["uid"] = (string?)deployment.Metadata["uid"],
                ["controller"] = true,
                ["blockOwnerDeletion"] = true,
            }),
        };
        metadata["labels"] = labels.DeepClone();
        var annotations = metadata["annotations"] as JsonObject ?? (JsonObject)(metadata["annotations"] = new JsonObject());
        annotations[RevisionAnnotation] = revision.ToString(CultureInfo.InvariantCulture);
        if ((string?)deployment.Metadata["annotations"]?[ChangeCauseAnnotation] is string cause)
        {
            annotations[ChangeCauseAnnotation] = cause;
        }

        return new KubeObject(new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "ReplicaSet",
            ["metadata"] = metadata,
            ["spec"] = new JsonObject
            {
                ["replicas"] = 0,
                ["minReadySeconds"] = JsonNumbers.AsInt(deployment.Spec?["minReadySeconds"]) ?? 0,
                ["selector"] = selector,
                ["template"] = template,
            },
        });
    }
}

/// <summary>A deployment's ReplicaSets to write as they now are, those to delete, and the revision of its current template.</summary>
public sealed record ReplicaSetSync(List<KubeObject> Write, List<string> Delete, long Revision);
