using System.Text.Json.Nodes;
using Edge.Host.Api.OpenApi;
using Edge.Host.Objects;

namespace Edge.Host.Api.Apply;

/// <summary>
/// Server-side apply with field managers, as kube-apiserver does it (KEP-555): an applier owns
/// the fields its configuration sets; a field another manager owns with another value is a
/// conflict (409, every one named, as kubectl prints them) unless the apply is forced, which
/// takes it over; a field the applier set before and sets no more is removed, unless someone
/// else owns it too; everything nobody applied stays. Writes that are not applies (create,
/// replace, patch, scale) make their manager the owner of what they changed.
/// </summary>
public static class ServerSideApply
{
    /// <summary>
    /// The object <paramref name="config"/> applied by <paramref name="manager"/> makes of
    /// <paramref name="current"/> (null: it is created), its managedFields written.
    /// </summary>
    public static KubeObject Apply(KubeObject? current, KubeObject config, KindInfo kind, string manager, bool force, DateTime now)
    {
        ApiType type = ApiTypes.Of(kind);
        FieldSet applied = FieldSet.Of(config.Json, type);
        string time = KubeTime.Format(now);
        if (current == null)
        {
            KubeObject created = config.Clone();
            ManagedFields.Write(created, [new ManagedEntry(manager, ManagedEntry.Apply, kind.ApiVersion, time, applied)]);
            return created;
        }

        List<ManagedEntry> entries = ManagedFields.Read(current);
        ManagedEntry? mine = entries.FirstOrDefault(e => e.Is(manager, ManagedEntry.Apply, null));
        List<ManagedEntry> others = entries.Where(e => e != mine).ToList();

        var conflicts = new List<(ManagedEntry Owner, string Path)>();
        foreach (ManagedEntry other in others)
        {
            foreach (string path in other.Fields.Intersect(applied).Paths.Where(IsValue))
            {
                if (!JsonNode.DeepEquals(FieldSet.ValueAt(current.Json, path), FieldSet.ValueAt(config.Json, path)))
                {
                    conflicts.Add((other, path));
                }
            }
        }

        if (conflicts.Count > 0 && !force)
        {
            throw Conflict(conflicts);
        }

        // Forced: what was in conflict is the applier's now.
        FieldSet taken = FieldSet.From(conflicts.Select(c => c.Path));
        others = others.Select(o => o with { Fields = o.Fields.Except(taken) }).ToList();

        // What the applier set before and sets no more goes, unless another manager owns it too.
        FieldSet ownedByOthers = others.Aggregate(FieldSet.Empty, (all, o) => all.Union(o.Fields));
        KubeObject result = current.Clone();
        FieldSet dropped = (mine?.Fields ?? FieldSet.Empty).Except(applied).Except(ownedByOthers);
        foreach (string path in dropped.Paths.OrderBy(p => p.Length)) // an item before its fields: once they are gone its keys would not find it
        {
            FieldSet.Remove(result.Json, path);
        }

        StrategicMergePatch.Apply(result.Json, Patch(config), type);
        ManagedEntry entry = mine != null && mine.Fields.Count == applied.Count && mine.Fields.Except(applied).Count == 0
            ? mine // the same fields: its time stays, so an apply that changes nothing writes nothing
            : new ManagedEntry(manager, ManagedEntry.Apply, kind.ApiVersion, time, applied);
        ManagedFields.Write(result, mine == null ? [.. others, entry] : entries.Select(e => e == mine ? entry : others.First(o => o.Is(e.Manager, e.Operation, e.Subresource))));
        return result;
    }

    /// <summary>
    /// A write that is not an apply: <paramref name="manager"/> owns what changed from
    /// <paramref name="before"/> (null: created) to <paramref name="after"/>, and nobody else does;
    /// what went is owned by nobody. Written into <paramref name="after"/>'s managedFields.
    /// </summary>
    public static void RecordUpdate(KubeObject? before, KubeObject after, KindInfo kind, string manager, DateTime now, string? subresource = null)
    {
        ApiType type = ApiTypes.Of(kind);
        FieldSet present = FieldSet.Of(after.Json, type);
        List<ManagedEntry> entries = before == null ? [] : ManagedFields.Read(before);
        FieldSet was = before == null ? FieldSet.Empty : FieldSet.Of(before.Json, type);
        FieldSet changed = present.Except(was).Union(FieldSet.From(present.Intersect(was).Paths
            .Where(p => IsValue(p) && !JsonNode.DeepEquals(FieldSet.ValueAt(before!.Json, p), FieldSet.ValueAt(after.Json, p)))));
        FieldSet gone = was.Except(present);
        if (changed.Count == 0 && gone.Count == 0 && before != null)
        {
            ManagedFields.Write(after, entries);
            return;
        }

        ManagedEntry? mine = entries.FirstOrDefault(e => e.Is(manager, ManagedEntry.Update, subresource));
        var updated = entries.Where(e => e != mine).Select(e => e with { Fields = e.Fields.Except(changed).Except(gone) }).ToList();
        FieldSet owned = (mine?.Fields ?? FieldSet.Empty).Except(gone).Union(changed);
        updated.Add(new ManagedEntry(manager, ManagedEntry.Update, kind.ApiVersion, KubeTime.Format(now), owned, subresource));
        ManagedFields.Write(after, updated);
    }

    /// <summary>A path that ends at a value (a member, or a set's value), not at a list's item, which only says who owns the item.</summary>
    private static bool IsValue(string path) => !FieldSet.Segments(path)[^1].StartsWith("k:", StringComparison.Ordinal);

    // The configuration as a strategic merge patch: its spec and other members, and of its metadata only labels and annotations.
    private static JsonObject Patch(KubeObject config)
    {
        var patch = new JsonObject();
        foreach ((string name, JsonNode? value) in config.Json)
        {
            if (name is not ("metadata" or "status" or "apiVersion" or "kind"))
            {
                patch[name] = value?.DeepClone();
            }
        }

        var metadata = new JsonObject();
        foreach (string kept in new[] { "labels", "annotations" })
        {
            if (config.Metadata[kept] is JsonObject map)
            {
                metadata[kept] = map.DeepClone();
            }
        }

        patch["metadata"] = metadata;
        return patch;
    }

    /// <summary>kube-apiserver's 409: "Apply failed with N conflict(s): conflict(s) with "MANAGER" using VERSION: FIELD", each field a cause.</summary>
    private static ApiException Conflict(List<(ManagedEntry Owner, string Path)> conflicts)
    {
        var causes = new JsonArray();
        foreach ((ManagedEntry owner, string path) in conflicts)
        {
            causes.Add(new JsonObject
            {
                ["type"] = "FieldManagerConflict",
                ["message"] = $"conflict with \"{owner.Manager}\"{(owner.Subresource != null ? $" with subresource \"{owner.Subresource}\"" : "")} using {owner.ApiVersion}",
                ["field"] = FieldSet.Describe(path),
            });
        }

        string message;
        if (conflicts.Count == 1)
        {
            message = $"Apply failed with 1 conflict: {causes[0]!["message"]}: {causes[0]!["field"]}";
        }
        else
        {
            var byOwner = conflicts.GroupBy(c => (string)causes[conflicts.IndexOf(c)]!["message"]!)
                .Select(g => $"{g.Key.Replace("conflict with", "conflicts with", StringComparison.Ordinal)}:\n" + string.Join("\n", g.Select(c => "- " + FieldSet.Describe(c.Path))));
            message = $"Apply failed with {conflicts.Count} conflicts: " + string.Join("\n", byOwner);
        }

        return new ApiException(409, "Conflict", message) { Details = new JsonObject { ["causes"] = causes } };
    }
}
