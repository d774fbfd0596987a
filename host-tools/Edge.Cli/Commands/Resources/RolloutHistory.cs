using System.Text.Json.Nodes;
using Edge.Cli.Api;
using Edge.Host.Controllers;
using Edge.Host.Objects;
using Edge.Host.Printing;

namespace Edge.Cli.Commands.Resources;

/// <summary>
/// A deployment's revisions as kubectl reads them (its DeploymentHistoryViewer and
/// DeploymentRollbacker): the ReplicaSets in the deployment's namespace that match its selector
/// and that it controls, each with its deployment.kubernetes.io/revision; history prints them,
/// undo puts one's template back into the deployment with a JSON patch, as kubectl does.
/// </summary>
public static class RolloutHistory
{
    // What kubectl keeps of the deployment's own annotations, not copied from the revision, on an undo.
    private static readonly HashSet<string> KeptAnnotations =
    [
        "kubectl.kubernetes.io/last-applied-configuration", ReplicaSetHistory.RevisionAnnotation,
        "deployment.kubernetes.io/revision-history", "deployment.kubernetes.io/desired-replicas",
        "deployment.kubernetes.io/max-replicas", "deprecated.deployment.rollback.to",
    ];

    /// <summary>The deployment's ReplicaSets by revision (those without a revision left out, as kubectl does).</summary>
    public static async Task<SortedDictionary<long, KubeObject>> RevisionsAsync(ApiClient api, KubeObject deployment, CancellationToken cancel)
    {
        string selector = ResourceColumns.Selector(deployment.Spec?["selector"]?["matchLabels"]);
        List<KubeObject> sets = await api.ListAsync(KindInfo.ForKind("ReplicaSet")!, deployment.Namespace, selector == "<none>" ? null : selector, cancel);
        var revisions = new SortedDictionary<long, KubeObject>();
        foreach (KubeObject rs in sets.Where(rs => rs.ControllerUid == (string?)deployment.Metadata["uid"]))
        {
            if (ReplicaSetHistory.Revision(rs) is > 0 and long revision)
            {
                revisions[revision] = rs;
            }
        }

        return revisions;
    }

    /// <summary>`rollout history`: kubectl's REVISION CHANGE-CAUSE table, or one revision's pod template.</summary>
    public static void Print(TextWriter output, KubeObject deployment, SortedDictionary<long, KubeObject> revisions, long revision)
    {
        string name = $"deployment.apps/{deployment.Name}";
        if (revisions.Count == 0)
        {
            output.WriteLine($"{name} \nNo rollout history found.");
            return;
        }

        var w = new TabbedText(output);
        if (revision > 0)
        {
            if (!revisions.TryGetValue(revision, out KubeObject? rs))
            {
                throw new CliException("unable to find the specified revision");
            }

            output.WriteLine($"{name} with revision #{revision}");
            PodTemplate(w, rs.Spec?["template"], (string?)rs.Metadata["annotations"]?[ReplicaSetHistory.ChangeCauseAnnotation]);
        }
        else
        {
            output.WriteLine($"{name} ");
            w.Line("REVISION\tCHANGE-CAUSE");
            foreach ((long r, KubeObject rs) in revisions)
            {
                string? cause = (string?)rs.Metadata["annotations"]?[ReplicaSetHistory.ChangeCauseAnnotation];
                w.Line($"{r}\t{(string.IsNullOrEmpty(cause) ? "<none>" : cause)}");
            }
        }

        w.Flush();
        output.WriteLine();
    }

    /// <summary>
    /// The revision an undo goes back to: <paramref name="toRevision"/>, or with 0 the one before
    /// the latest (kubectl's choice and words when there is none).
    /// </summary>
    public static KubeObject Target(KubeObject deployment, SortedDictionary<long, KubeObject> revisions, long toRevision)
    {
        if (toRevision > 0)
        {
            return revisions.GetValueOrDefault(toRevision) ?? throw new CliException($"unable to find specified revision {toRevision} in history");
        }

        if (toRevision < 0 || revisions.Count < 2)
        {
            throw toRevision < 0
                ? new CliException($"unable to find specified revision {toRevision} in history")
                : new CliException($"no rollout history found for deployment \"{deployment.Name}\"");
        }

        return revisions.Values.Reverse().Skip(1).First();
    }

    /// <summary>Whether the deployment runs this revision's template already (the hash label aside).</summary>
    public static bool IsCurrent(KubeObject deployment, KubeObject rs) =>
        PodTemplateHash.Of(WithoutHash(rs.Spec?["template"])) == PodTemplateHash.Of(deployment.Spec?["template"]);

    /// <summary>kubectl's undo patch: the revision's template without its hash label, and its annotations over the deployment's kept ones.</summary>
    public static JsonArray UndoPatch(KubeObject deployment, KubeObject rs)
    {
        var annotations = new JsonObject();
        foreach ((string key, JsonNode? value) in deployment.Metadata["annotations"] as JsonObject ?? [])
        {
            if (KeptAnnotations.Contains(key))
            {
                annotations[key] = value?.DeepClone();
            }
        }

        foreach ((string key, JsonNode? value) in rs.Metadata["annotations"] as JsonObject ?? [])
        {
            if (!KeptAnnotations.Contains(key))
            {
                annotations[key] = value?.DeepClone();
            }
        }

        return
        [
            new JsonObject { ["op"] = "replace", ["path"] = "/spec/template", ["value"] = WithoutHash(rs.Spec?["template"]) },
            new JsonObject { ["op"] = "replace", ["path"] = "/metadata/annotations", ["value"] = annotations },
        ];
    }

    private static JsonNode WithoutHash(JsonNode? template)
    {
        var copy = template?.DeepClone() as JsonObject ?? [];
        (copy["metadata"]?["labels"] as JsonObject)?.Remove(ReplicaSetHistory.HashLabel);
        return copy;
    }

    // kubectl's DescribePodTemplate, the parts an Edge pod has.
    private static void PodTemplate(TabbedText w, JsonNode? template, string? cause)
    {
        w.Line("Pod Template:");
        Map(w, "  Labels", template?["metadata"]?["labels"]);
        var annotations = template?["metadata"]?["annotations"]?.DeepClone() as JsonObject ?? [];
        if (cause is { Length: > 0 })
        {
            annotations[ReplicaSetHistory.ChangeCauseAnnotation] = cause;
        }

        if (annotations.Count > 0)
        {
            Map(w, "  Annotations", annotations);
        }

        w.Line("  Containers:");
        foreach (JsonNode? c in template?["spec"]?["containers"] as JsonArray ?? [])
        {
            w.Line($"   {(string?)c?["name"]}:");
            w.Line($"    Image:\t{(string?)c?["image"]}");
            JsonNode? port = (c?["ports"] as JsonArray)?.FirstOrDefault();
            string protocol = (string?)port?["protocol"] ?? "TCP";
            w.Line($"    Port:\t{(port == null ? "<none>" : $"{JsonNumbers.AsInt(port["containerPort"])}/{protocol}")}");
            w.Line($"    Host Port:\t{(port == null ? "<none>" : $"{JsonNumbers.AsInt(port["hostPort"]) ?? 0}/{protocol}")}");
            var env = (c?["env"] as JsonArray ?? []).Select(e => $"{(string?)e?["name"]}:\t{(string?)e?["value"]}").ToList();
            if (env.Count == 0)
            {
                w.Line("    Environment:\t<none>");
            }
            else
            {
                w.Line("    Environment:");
                env.ForEach(e => w.Line("      " + e));
            }

            w.Line("    Mounts:\t<none>");
        }

        w.Line("  Volumes:\t<none>");
    }

    private static void Map(TabbedText w, string field, JsonNode? map)
    {
        var pairs = (map as JsonObject ?? []).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={(string?)p.Value}").ToList();
        w.Line($"{field}:\t{(pairs.Count == 0 ? "<none>" : pairs[0])}");
        foreach (string pair in pairs.Skip(1))
        {
            w.Line($"\t{pair}");
        }
    }
}
