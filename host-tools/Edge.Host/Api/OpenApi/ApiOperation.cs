using Edge.Host.Objects;

namespace Edge.Host.Api.OpenApi;

/// <summary>
/// One operation of the API as the OpenAPI documents describe it: a method on a path, what it
/// does to which kind (x-kubernetes-action, x-kubernetes-group-version-kind), what it takes and
/// answers, and the query parameters Edge honours there. kubectl reads a PATCH operation's
/// parameters to learn whether the server validates fields itself (fieldValidation).
/// </summary>
public sealed record ApiOperation(
    string Path, string Method, string Action, string OperationId, string Description,
    string ApiVersion, string Kind, string? BodyType, string ResponseType, string[] Query)
{
    /// <summary>What each query parameter means, and its type.</summary>
    public static readonly IReadOnlyDictionary<string, (string Type, string Description)> Parameters = new Dictionary<string, (string, string)>
    {
        ["fieldManager"] = ("string", "The name of the actor making the change (server-side apply: the manager owning the applied fields)."),
        ["fieldValidation"] = ("string", "What the server does with fields the kind does not have, and fields given twice: Ignore drops them; Warn (the default) drops them and says so in a Warning header each; Strict refuses the request, naming them."),
        ["force"] = ("boolean", "Server-side apply: take fields other managers own."),
        ["labelSelector"] = ("string", "Only objects whose labels match, such as app=web."),
        ["resourceVersion"] = ("string", "For a watch: the version (a list's) to send changes after."),
        ["watch"] = ("boolean", "Send changes as they happen instead of a list."),
    };

    private static readonly string[] ListQuery = ["labelSelector", "resourceVersion", "watch"];
    private static readonly string[] WriteQuery = ["fieldManager", "fieldValidation"];
    private static readonly string[] PatchQuery = ["fieldManager", "fieldValidation", "force"];

    /// <summary>The operations of a group version ("v1", "apps/v1"), kind by kind.</summary>
    public static IEnumerable<ApiOperation> Of(string groupVersion) =>
        KindInfo.All.Where(k => k.ApiVersion == groupVersion).SelectMany(OfKind);

    private static IEnumerable<ApiOperation> OfKind(KindInfo kind)
    {
        string root = (kind.ApiVersion.Contains('/') ? "/apis/" : "/api/") + kind.ApiVersion;
        string type = ApiTypes.TypeName(kind.ApiVersion, kind.Kind);
        string scope = kind.Namespaced ? "Namespaced" : "";
        string list = kind.Namespaced ? $"{root}/namespaces/{{namespace}}/{kind.Plural}" : $"{root}/{kind.Plural}";
        string item = list + "/{name}";
        string id = GroupWord(kind.ApiVersion) + VersionWord(kind.ApiVersion) + scope + kind.Kind;
        ApiOperation Op(string path, string method, string action, string verb, string description, string? body, string response, string[] query) =>
            new(path, method, action, verb + id, description, kind.ApiVersion, kind.Kind, body, response, query);

        yield return Op(list, "get", "list", "list", $"list or watch objects of kind {kind.Kind}", null, type + "List", ListQuery);
        yield return Op(list, "post", "post", "create", $"create a {kind.Kind}", type, type, WriteQuery);
        yield return Op(item, "get", "get", "read", $"read the specified {kind.Kind}", null, type, []);
        yield return Op(item, "put", "put", "replace", $"replace the specified {kind.Kind}", type, type, WriteQuery);
        yield return Op(item, "patch", "patch", "patch", $"partially update the specified {kind.Kind}", ApiTypes.PatchType, type, PatchQuery);
        yield return Op(item, "delete", "delete", "delete", $"delete a {kind.Kind}", null, type, []);
        if (kind.Namespaced)
        {
            yield return new ApiOperation($"{root}/{kind.Plural}", "get", "list", $"list{GroupWord(kind.ApiVersion)}{VersionWord(kind.ApiVersion)}{kind.Kind}ForAllNamespaces",
                $"list or watch objects of kind {kind.Kind} in every namespace", kind.ApiVersion, kind.Kind, null, type + "List", ListQuery);
        }

        if (kind.Kind == "Deployment")
        {
            // kubectl scale: the deployment's scale subresource, an autoscaling/v1 Scale.
            string scale = ApiTypes.TypeName("autoscaling/v1", "Scale");
            ApiOperation Scale(string method, string action, string verb, string? body, string[] query) =>
                new(item + "/scale", method, action, verb + id + "Scale", $"{verb} the scale of the specified {kind.Kind}", "autoscaling/v1", "Scale", body, scale, query);
            yield return Scale("get", "get", "read", null, []);
            yield return Scale("put", "put", "replace", scale, WriteQuery);
            yield return Scale("patch", "patch", "patch", ApiTypes.PatchType, PatchQuery);
        }
    }

    /// <summary>The tag Kubernetes files the operation under: core_v1, apps_v1, networking_v1.</summary>
    public string Tag => GroupWord(ApiVersion).ToLowerInvariant() + "_" + ApiVersion.Split('/')[^1];

    /// <summary>What a path parameter means.</summary>
    public static string PathParameterDescription(string name) =>
        name == "namespace" ? "object name and auth scope, such as for teams and projects" : "name of the object";

    /// <summary>The path parameters a path has ({namespace}, {name}).</summary>
    public IEnumerable<string> PathParameters() => new[] { "namespace", "name" }.Where(p => Path.Contains("{" + p + "}", StringComparison.Ordinal));

    /// <summary>The group's word in operation IDs and tags, as Kubernetes forms them: Core, Apps, Networking; EdgeDev.</summary>
    public static string GroupWord(string apiVersion)
    {
        string group = ApiTypes.Group(apiVersion);
        string[] words = group.Length == 0 ? ["core"] : group.EndsWith(".k8s.io", StringComparison.Ordinal) ? [group.Split('.')[0]] : group.Split('.');
        return string.Concat(words.Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
    }

    public static string VersionWord(string apiVersion) => char.ToUpperInvariant(apiVersion.Split('/')[^1][0]) + apiVersion.Split('/')[^1][1..];
}
