using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Edge.Host.Api;

/// <summary>
/// Aggregated discovery (apidiscovery.k8s.io, KEP-3352), which kubectl asks /api and /apis for
/// first (v2 from 1.30, v2beta1 before): every group, version and resource in one document,
/// subresources folded into their resource. Made from the plain documents
/// (<see cref="Discovery"/>), so both say the same; a client that does not ask gets those.
/// </summary>
public static class AggregatedDiscovery
{
    private const string Group = "apidiscovery.k8s.io";

    /// <summary>The version the Accept header asks for first (v2 or v2beta1), or null when it asks for none.</summary>
    public static string? Wanted(string? accept)
    {
        foreach (string mediaType in (accept ?? "").Split(','))
        {
            Dictionary<string, string> parameters = mediaType.Split(';').Skip(1)
                .Select(p => p.Split('=', 2))
                .Where(p => p.Length == 2)
                .GroupBy(p => p[0].Trim())
                .ToDictionary(g => g.Key, g => g.First()[1].Trim());
            if (parameters.GetValueOrDefault("g") == Group && parameters.GetValueOrDefault("as") == "APIGroupDiscoveryList"
                && parameters.GetValueOrDefault("v") is "v2" or "v2beta1")
            {
                return parameters["v"];
            }
        }

        return null;
    }

    public static string ContentType(string version) => $"application/json;g={Group};v={version};as=APIGroupDiscoveryList";

    /// <summary>The aggregated document for /api (the core group) or /apis (the others), or null for other paths.</summary>
    public static JsonObject? For(string path, string version, string serverAddress)
    {
        IEnumerable<(string Name, string GroupVersion)> groups = path.TrimEnd('/') switch
        {
            "/api" => [("", "v1")],
            "/apis" => Discovery.For("/apis", serverAddress)!["groups"]!.AsArray()
                .Select(g => ((string)g!["name"]!, (string)g!["preferredVersion"]!["groupVersion"]!)),
            _ => [],
        };
        if (path.TrimEnd('/') is not ("/api" or "/apis"))
        {
            return null;
        }

        return new JsonObject
        {
            ["kind"] = "APIGroupDiscoveryList",
            ["apiVersion"] = $"{Group}/{version}",
            ["metadata"] = new JsonObject(),
            ["items"] = new JsonArray(groups.Select(g => (JsonNode)GroupDiscovery(g.Name, g.GroupVersion, serverAddress)).ToArray()),
        };
    }

    private static JsonObject GroupDiscovery(string group, string groupVersion, string serverAddress)
    {
        string version = groupVersion.Contains('/') ? groupVersion.Split('/')[1] : groupVersion;
        JsonArray plain = Discovery.For(group.Length == 0 ? "/api/v1" : "/apis/" + groupVersion, serverAddress)!["resources"]!.AsArray();
        var resources = new JsonArray();
        foreach (JsonObject resource in plain.OfType<JsonObject>().Where(r => !((string)r["name"]!).Contains('/')))
        {
            string name = (string)resource["name"]!;
            var entry = new JsonObject
            {
                ["resource"] = name,
                ["responseKind"] = Kind(group, version, (string)resource["kind"]!),
                ["scope"] = (bool)resource["namespaced"]! ? "Namespaced" : "Cluster",
                ["singularResource"] = resource["singularName"]?.DeepClone(),
                ["verbs"] = resource["verbs"]?.DeepClone(),
            };
            foreach (string optional in new[] { "shortNames", "categories" })
            {
                if (resource[optional] is JsonNode value)
                {
                    entry[optional] = value.DeepClone();
                }
            }

            JsonObject[] subresources = plain.OfType<JsonObject>().Where(r => ((string)r["name"]!).StartsWith(name + "/", StringComparison.Ordinal)).ToArray();
            if (subresources.Length > 0)
            {
                entry["subresources"] = new JsonArray(subresources.Select(s => (JsonNode)new JsonObject
                {
                    ["subresource"] = ((string)s["name"]!)[(name.Length + 1)..],
                    ["responseKind"] = Kind((string?)s["group"] ?? group, (string?)s["version"] ?? version, (string)s["kind"]!),
                    ["verbs"] = s["verbs"]?.DeepClone(),
                }).ToArray());
            }

            resources.Add(entry);
        }

        return new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = group },
            ["versions"] = new JsonArray(new JsonObject { ["version"] = version, ["resources"] = resources, ["freshness"] = "Current" }),
        };
    }

    private static JsonObject Kind(string group, string version, string kind) => new() { ["group"] = group, ["version"] = version, ["kind"] = kind };
}
