using System.Text.Json.Nodes;
using Edge.Host.Objects;

namespace Edge.Host.Api;

/// <summary>
/// The discovery documents kubectl reads before anything else (what `kubectl api-resources`
/// prints): the core version list at /api, the groups at /apis, and each group version's
/// resources with their kind, scope, verbs, short names and categories, generated from the
/// kinds Edge keeps (<see cref="KindInfo.All"/>). These are the plain (unaggregated) forms; a
/// client that asks for aggregated discovery gets <see cref="AggregatedDiscovery"/>, made from them.
/// </summary>
public static class Discovery
{
    // What every kind Edge keeps supports through this API (no deletecollection, no update of status alone).
    private static readonly string[] Verbs = ["create", "delete", "get", "list", "patch", "update", "watch"];

    // `kubectl get all` lists these, as it does on a Kubernetes cluster.
    private static readonly HashSet<string> InCategoryAll = ["Pod", "Service", "Deployment", "ReplicaSet"];

    /// <summary>The document for a discovery path, or null when the path is not one.</summary>
    public static JsonObject? For(string path, string serverAddress) => path.TrimEnd('/') switch
    {
        "/api" => new JsonObject
        {
            ["kind"] = "APIVersions",
            ["versions"] = new JsonArray("v1"),
            ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
        },
        "/apis" => new JsonObject
        {
            ["kind"] = "APIGroupList",
            ["apiVersion"] = "v1",
            ["groups"] = new JsonArray(Groups().Select(g => (JsonNode)Group(g)).ToArray()),
        },
        "/api/v1" => Resources("v1"),
        var p when p.StartsWith("/apis/", StringComparison.Ordinal) && p.Count(c => c == '/') == 3 && KindInfo.All.Any(k => k.ApiVersion == p["/apis/".Length..]) => Resources(p["/apis/".Length..]),
        var p when p.StartsWith("/apis/", StringComparison.Ordinal) && p.Count(c => c == '/') == 2 && Groups().Contains(p["/apis/".Length..]) => Group(p["/apis/".Length..]),
        _ => null,
    };

    private static IEnumerable<string> Groups() => KindInfo.All.Where(k => k.ApiVersion.Contains('/')).Select(k => k.ApiVersion.Split('/')[0]).Distinct();

    private static JsonObject Group(string group)
    {
        string version = KindInfo.All.First(k => k.ApiVersion.StartsWith(group + "/", StringComparison.Ordinal)).ApiVersion;
        JsonObject GroupVersion() => new() { ["groupVersion"] = version, ["version"] = version.Split('/')[1] };
        return new JsonObject
        {
            ["kind"] = "APIGroup",
            ["apiVersion"] = "v1",
            ["name"] = group,
            ["versions"] = new JsonArray(GroupVersion()),
            ["preferredVersion"] = GroupVersion(),
        };
    }

    private static JsonObject Resources(string groupVersion) => new()
    {
        ["kind"] = "APIResourceList",
        ["apiVersion"] = "v1",
        ["groupVersion"] = groupVersion,
        ["resources"] = new JsonArray(KindInfo.All.Where(k => k.ApiVersion == groupVersion).Select(k => (JsonNode)Resource(k))
            .Concat(Subresources(groupVersion)).ToArray()),
    };

    // The kinds whose status is a subresource of its own (kubectl patch --subresource=status).
    private static readonly HashSet<string> WithStatus = ["Pod", "Node", "Service", "Namespace", "Deployment", "ReplicaSet", "Ingress"];

    // The subresources kubectl finds here: every status, a deployment's scale (autoscaling/v1
    // Scale, for kubectl scale), and a pod's streams and eviction (policy/v1 Eviction: kubectl
    // drain evicts when it finds it here, and only deletes when it does not).
    private static IEnumerable<JsonNode> Subresources(string groupVersion) =>
        KindInfo.All.Where(k => k.ApiVersion == groupVersion && WithStatus.Contains(k.Kind))
            .Select(k => (JsonNode)Subresource(k.Plural + "/status", k.Namespaced, "", "", k.Kind, "get", "patch", "update"))
            .Concat(groupVersion switch
            {
                "apps/v1" => [Subresource("deployments/scale", true, "autoscaling", "v1", "Scale", "get", "patch", "update")],
                "v1" =>
                [
                    Subresource("pods/eviction", true, "policy", "v1", "Eviction", "create"),
                    Subresource("pods/exec", true, "", "", "PodExecOptions", "create", "get"),
                    Subresource("pods/attach", true, "", "", "PodAttachOptions", "create", "get"),
                    Subresource("pods/portforward", true, "", "", "PodPortForwardOptions", "create", "get"),
                    Subresource("pods/log", true, "", "", "Pod", "get"),
                ],
                _ => [],
            });

    private static JsonObject Subresource(string name, bool namespaced, string group, string version, string kind, params string[] verbs)
    {
        var resource = new JsonObject { ["name"] = name, ["singularName"] = "", ["namespaced"] = namespaced };
        if (group.Length > 0)
        {
            resource["group"] = group;
            resource["version"] = version;
        }

        resource["kind"] = kind;
        resource["verbs"] = new JsonArray(verbs.Select(v => (JsonNode)v).ToArray());
        return resource;
    }

    private static JsonObject Resource(KindInfo kind)
    {
        var resource = new JsonObject
        {
            ["name"] = kind.Plural,
            ["singularName"] = kind.Kind.ToLowerInvariant(),
            ["namespaced"] = kind.Namespaced,
            ["kind"] = kind.Kind,
            ["verbs"] = new JsonArray(Verbs.Select(v => (JsonNode)v).ToArray()),
        };
        if (kind.ShortNames.Length > 0)
        {
            resource["shortNames"] = new JsonArray(kind.ShortNames.Select(s => (JsonNode)s).ToArray());
        }

        if (InCategoryAll.Contains(kind.Kind))
        {
            resource["categories"] = new JsonArray("all");
        }

        return resource;
    }
}
