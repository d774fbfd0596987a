using Edge.Host.Objects;

namespace Edge.Host.Api;

/// <summary>
/// A Kubernetes API path taken apart: <c>/api/v1/namespaces/NS/pods/NAME/exec</c>,
/// <c>/apis/apps/v1/deployments</c> (all namespaces), <c>/api/v1/nodes/NAME</c>.
/// </summary>
public sealed record ResourcePath(KindInfo Kind, string? Namespace, string? Name, string? Subresource)
{
    public static ResourcePath? Parse(string path)
    {
        string[] parts = path.Trim('/').Split('/');
        int i;
        if (parts.Length >= 3 && parts[0] == "api" && parts[1] == "v1")
        {
            i = 2;
        }
        else if (parts.Length >= 4 && parts[0] == "apis")
        {
            i = 3;
        }
        else
        {
            return null;
        }

        string? ns = null;
        if (parts.Length - i >= 3 && parts[i] == "namespaces")
        {
            ns = parts[i + 1];
            i += 2;
        }
        else if (parts.Length - i <= 2 && parts[i] == "namespaces")
        {
            // /api/v1/namespaces and /api/v1/namespaces/NAME: the namespaces themselves
            return new ResourcePath(KindInfo.Find("namespaces")!, null, parts.Length - i == 2 ? parts[i + 1] : null, null);
        }

        KindInfo? kind = KindInfo.All.FirstOrDefault(k => k.Plural == parts[i]);
        if (kind == null || parts.Length - i > 3)
        {
            return null;
        }

        string? name = parts.Length - i >= 2 ? parts[i + 1] : null;
        string? sub = parts.Length - i == 3 ? parts[i + 2] : null;
        return new ResourcePath(kind, kind.Namespaced ? ns : null, name, sub);
    }

    /// <summary>The path of a kind in a namespace (or all namespaces, or cluster-scoped), as clients build it.</summary>
    public static string For(KindInfo kind, string? ns, string? name = null, string? subresource = null)
    {
        string root = kind.ApiVersion.Contains('/') ? "/apis/" + kind.ApiVersion : "/api/" + kind.ApiVersion;
        string scope = kind.Namespaced && ns != null ? $"/namespaces/{ns}" : "";
        return root + scope + "/" + kind.Plural + (name != null ? "/" + name : "") + (subresource != null ? "/" + subresource : "");
    }
}
