using System.Text.Json.Nodes;

namespace Edge.Host.Objects;

/// <summary>
/// A Kubernetes-shaped object as JSON (what manifests, the store and `-o json|yaml` hold),
/// with accessors for the metadata every kind has. Kind-specific fields are read where they
/// are used, so objects round-trip whatever fields they carry.
/// </summary>
public sealed class KubeObject(JsonObject json)
{
    public JsonObject Json { get; } = json;

    public string ApiVersion => (string?)Json["apiVersion"] ?? "";
    public string Kind => (string?)Json["kind"] ?? "";
    public JsonObject Metadata => Json["metadata"] as JsonObject ?? (JsonObject)(Json["metadata"] = new JsonObject());
    public string Name => (string?)Metadata["name"] ?? "";

    public string Namespace
    {
        get => (string?)Metadata["namespace"] ?? "";
        set => Metadata["namespace"] = value;
    }

    public IReadOnlyDictionary<string, string> Labels =>
        (Metadata["labels"] as JsonObject)?.ToDictionary(p => p.Key, p => (string?)p.Value ?? "") ?? new Dictionary<string, string>();

    public JsonObject? Spec => Json["spec"] as JsonObject;

    /// <summary>The uid of the controller that owns this object (ownerReferences with controller: true), or null.</summary>
    public string? ControllerUid =>
        (Metadata["ownerReferences"] as JsonArray)?.FirstOrDefault(o => (bool?)o?["controller"] == true)?["uid"] is JsonNode uid ? (string?)uid : null;

    /// <summary>"deployment.apps/web" or "pod/web-1", as kubectl prints object names.</summary>
    public string Reference
    {
        get
        {
            string group = ApiVersion.Contains('/') ? "." + ApiVersion[..ApiVersion.IndexOf('/')] : "";
            return $"{Kind.ToLowerInvariant()}{group}/{Name}";
        }
    }

    public KubeObject Clone() => new((JsonObject)Json.DeepClone());

    public override string ToString() => (Namespace.Length > 0 ? Namespace + "/" : "") + Reference;
}
