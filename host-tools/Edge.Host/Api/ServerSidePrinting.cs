using System.Text.Json.Nodes;
using Edge.Host.Objects;
using Edge.Host.Printing;

namespace Edge.Host.Api;

/// <summary>
/// Server-side printing, as kube-apiserver does it for `kubectl get`: asked for a meta.k8s.io/v1
/// Table (<c>Accept: application/json;as=Table;v=v1;g=meta.k8s.io</c>), the server answers with
/// the kind's columns and a row of cells per object, so every kubectl version prints Edge's
/// objects with the columns edgectl prints (<see cref="ResourceColumns"/>): the wide ones at
/// priority 1 (shown with -o wide), ages already worded, and each row's object as its metadata
/// (what -A, --show-labels and -L read) unless the client asks for the whole object or none.
/// </summary>
public static class ServerSidePrinting
{
    public const string ContentType = "application/json;as=Table;v=v1;g=meta.k8s.io";

    /// <summary>Whether the Accept header asks for a Table (kubectl also offers v1beta1 and plain JSON after it).</summary>
    public static bool Wanted(string? accept) =>
        accept != null && accept.Contains("as=Table", StringComparison.Ordinal) && accept.Contains("g=meta.k8s.io", StringComparison.Ordinal);

    /// <param name="includeObject">The request's includeObject: None, Metadata (the default) or Object.</param>
    public static JsonObject Table(KindInfo kind, IEnumerable<KubeObject> objects, string resourceVersion, DateTime now, string? includeObject)
    {
        ResourceColumns.Table columns = ResourceColumns.For(kind.Kind);
        var definitions = new JsonArray();
        for (int i = 0; i < columns.Headers.Length + columns.WideHeaders.Length; i++)
        {
            bool wide = i >= columns.Headers.Length;
            string header = wide ? columns.WideHeaders[i - columns.Headers.Length] : columns.Headers[i];
            var definition = new JsonObject
            {
                ["name"] = header,
                ["type"] = "string",
                ["format"] = i == 0 && header == "NAME" ? "name" : "",
                ["description"] = "",
                ["priority"] = wide ? 1 : 0,
            };
            definitions.Add(definition);
        }

        var rows = new JsonArray();
        foreach (KubeObject o in objects)
        {
            var cells = new JsonArray(columns.Row(o, now).Concat(columns.WideRow(o)).Select(c => (JsonNode)c).ToArray());
            var row = new JsonObject { ["cells"] = cells };
            switch (includeObject)
            {
                case "None":
                    break;
                case "Object":
                    row["object"] = o.Json.DeepClone();
                    break;
                default:
                    row["object"] = new JsonObject
                    {
                        ["kind"] = "PartialObjectMetadata",
                        ["apiVersion"] = "meta.k8s.io/v1",
                        ["metadata"] = o.Metadata.DeepClone(),
                    };
                    break;
            }

            rows.Add(row);
        }

        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion },
            ["columnDefinitions"] = definitions,
            ["rows"] = rows,
        };
    }
}
