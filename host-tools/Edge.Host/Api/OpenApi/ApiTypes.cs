using Edge.Host.Objects;

namespace Edge.Host.Api.OpenApi;

/// <summary>
/// Edge's schema of the kinds it serves, one catalogue read by everything that needs to know a
/// kind's fields: the OpenAPI documents kubectl validates and explains with
/// (<see cref="OpenApiV3"/>, <see cref="OpenApiV2"/>) and the server's own field validation
/// (<see cref="FieldValidation"/>). Field names are Kubernetes' own (1.33), so a manifest
/// written for Kubernetes is known field for field; parts Edge keeps without using (a pod's
/// affinity, volumes, security contexts; statuses the cluster writes) are objects kept as
/// given, where any field is accepted. The types are in files by API group.
/// </summary>
public static partial class ApiTypes
{
    private const string Meta = "io.k8s.apimachinery.pkg.apis.meta.v1.";
    private const string Core = "io.k8s.api.core.v1.";
    private const string IntOrString = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
    private const string Quantity = "io.k8s.apimachinery.pkg.api.resource.Quantity";

    /// <summary>The body of a PATCH: an object of the kind's shape, checked when it is applied.</summary>
    public const string PatchType = Meta + "Patch";

    // The package each API group's types are named under, as Kubernetes names them (Edge's own
    // group reversed, as OpenAPI names a custom resource's types).
    private static readonly Dictionary<string, string> Packages = new()
    {
        [""] = "io.k8s.api.core.v1.",
        ["apps"] = "io.k8s.api.apps.v1.",
        ["autoscaling"] = "io.k8s.api.autoscaling.v1.",
        ["networking.k8s.io"] = "io.k8s.api.networking.v1.",
        ["discovery.k8s.io"] = "io.k8s.api.discovery.v1.",
        ["edge.dev"] = "dev.edge.v1.",
    };

    // The kinds of object: Edge's kinds, their lists, and autoscaling/v1 Scale (a deployment's scale subresource).
    private static readonly Dictionary<string, (string ApiVersion, string Kind)> Kinds =
        KindInfo.All.SelectMany(k => new[] { (k.ApiVersion, k.Kind), (k.ApiVersion, k.Kind + "List") })
            .Append(("autoscaling/v1", "Scale"))
            .ToDictionary(k => TypeName(k.Item1, k.Item2), k => (k.Item1, k.Item2));

    private static readonly Dictionary<string, ApiType> ByName =
        new[] { MetaTypes(), CoreTypes(), PodTypes(), AppsTypes(), NetworkingTypes(), DiscoveryTypes(), EdgeTypes(), ListTypes() }
            .SelectMany(t => t).ToDictionary(t => t.Name);

    /// <summary>Every type, by name.</summary>
    public static IReadOnlyDictionary<string, ApiType> All => ByName;

    public static ApiType Get(string name) => ByName[name];

    /// <summary>The type of a kind's objects (io.k8s.api.core.v1.Pod for Pod).</summary>
    public static string TypeName(string apiVersion, string kind) => Packages[Group(apiVersion)] + kind;

    public static ApiType Of(KindInfo kind) => Get(TypeName(kind.ApiVersion, kind.Kind));

    /// <summary>The group version and kind of a type that is a kind of object (Pod, PodList, Scale); null for the others (PodSpec).</summary>
    public static (string ApiVersion, string Kind)? KindOf(string typeName) => Kinds.TryGetValue(typeName, out var kind) ? kind : null;

    /// <summary>The group of an apiVersion ("" for the core group's "v1").</summary>
    public static string Group(string apiVersion) => apiVersion.Contains('/') ? apiVersion[..apiVersion.IndexOf('/')] : "";

    /// <summary>The types the <paramref name="roots"/> reach through their fields, each root before what it reaches.</summary>
    public static IEnumerable<ApiType> Reachable(IEnumerable<string> roots)
    {
        var seen = new HashSet<string>();
        var pending = new Stack<string>(roots.Reverse());
        while (pending.Count > 0)
        {
            string name = pending.Pop();
            if (!seen.Add(name))
            {
                continue;
            }

            ApiType type = Get(name);
            yield return type;
            foreach (ApiField field in (type.Fields ?? []).Reverse())
            {
                if (Named(field.Type) is string next)
                {
                    pending.Push(next);
                }
            }
        }
    }

    /// <summary>The named type a field holds, through lists and maps.</summary>
    public static string? Named(FieldType type) => type switch
    {
        TypeRef r => r.Name,
        ListOf l => Named(l.Items),
        MapOf m => Named(m.Values),
        _ => null,
    };

    // A list of each kind, as a list request answers.
    private static IEnumerable<ApiType> ListTypes() => KindInfo.All.Select(k => Struct(TypeName(k.ApiVersion, k.Kind + "List"), $"A list of {k.Kind} objects.",
        Str("apiVersion", "The versioned schema of this object: the API group and version."),
        Required(List("items", TypeName(k.ApiVersion, k.Kind), $"The {k.Plural}.")),
        Str("kind", "The kind of object this is, in CamelCase."),
        Ref("metadata", Meta + "ListMeta", "The list's version, to watch from.")));

    // Short ways to write the catalogue.
    private static ApiType Struct(string name, string description, params ApiField[] fields) => new(name, description, fields);

    private static ApiType Kept(string name, string description) => new(name, description + " Edge keeps it as given.");

    // A kind of object: apiVersion, kind and metadata, then its own fields.
    private static ApiType KindType(string name, string description, params ApiField[] fields) =>
        Struct(name, description, [Str("apiVersion", "The versioned schema of this object: the API group and version."), Str("kind", "The kind of object this is, in CamelCase."),
            Ref("metadata", Meta + "ObjectMeta", "The object's name, namespace, labels, annotations and what the server records about it."), .. fields]);

    private static ApiField Str(string name, string description) => new(name, Primitive.String, description);

    private static ApiField Int(string name, string description) => new(name, Primitive.Int32, description);

    private static ApiField Long(string name, string description) => new(name, Primitive.Int64, description);

    private static ApiField Bool(string name, string description) => new(name, Primitive.Boolean, description);

    private static ApiField Ref(string name, string type, string description) => new(name, new TypeRef(type), description);

    private static ApiField Strings(string name, string description) => new(name, new ListOf(Primitive.String), description);

    private static ApiField StringMap(string name, string description) => new(name, new MapOf(Primitive.String), description);

    private static ApiField List(string name, string type, string description, params string[] mapKeys) => new(name, new ListOf(new TypeRef(type), mapKeys), description);

    private static ApiField Required(ApiField field) => field with { Required = true };
}
