namespace Edge.Host.Api.OpenApi;

/// <summary>
/// A named type in Edge's schema of the kinds it serves (<see cref="ApiTypes"/>), under the name
/// Kubernetes gives it (<c>io.k8s.api.core.v1.PodSpec</c>): a struct with its fields, a scalar
/// (Time, Quantity, IntOrString), or, when both are null, an object Edge keeps as given
/// without knowing its fields (a pod's affinity, a node's status): any field is accepted there.
/// </summary>
public sealed record ApiType(string Name, string Description, ApiField[]? Fields = null, Primitive? Scalar = null)
{
    /// <summary>Whether unknown fields can be found in it: only a struct knows its fields.</summary>
    public bool IsStruct => Fields != null;

    public ApiField? Field(string name) => Fields?.FirstOrDefault(f => f.Name == name);
}

/// <summary>A field of a struct: its JSON name, its type and what it means.</summary>
public sealed record ApiField(string Name, FieldType Type, string Description, bool Required = false);

/// <summary>What a field holds.</summary>
public abstract record FieldType;

/// <summary>An OpenAPI primitive: string, integer, number or boolean, with its format (int32, date-time, byte...).</summary>
public sealed record Primitive(string Type, string? Format = null) : FieldType
{
    public static readonly Primitive String = new("string");
    public static readonly Primitive Int32 = new("integer", "int32");
    public static readonly Primitive Int64 = new("integer", "int64");
    public static readonly Primitive Boolean = new("boolean");
}

/// <summary>A named type of the catalogue.</summary>
public sealed record TypeRef(string Name) : FieldType;

/// <summary>
/// A list; <paramref name="MapKeys"/> name the fields that identify an item (Kubernetes'
/// x-kubernetes-list-map-keys: a container by its name, a service port by port and protocol),
/// what server-side apply and strategic merge patches merge lists by.
/// </summary>
public sealed record ListOf(FieldType Items, params string[] MapKeys) : FieldType
{
    /// <summary>A list of values that patches add to rather than replace (a set: an object's finalizers).</summary>
    public bool MergesValues { get; init; }
}

/// <summary>A map from strings to values (labels, a secret's data, resource limits).</summary>
public sealed record MapOf(FieldType Values) : FieldType;
