using Edge.Host.Objects;

namespace Edge.Cli.Output;

/// <summary>How kubectl names a kind in its messages: "pod", "deployment.apps", "networkpolicy.networking.k8s.io".</summary>
public static class ResourceNames
{
    public static string Qualified(string kind)
    {
        KindInfo? info = KindInfo.ForKind(kind);
        string lower = kind.ToLowerInvariant();
        if (info == null || !info.ApiVersion.Contains('/'))
        {
            return lower;
        }

        return lower + "." + info.ApiVersion[..info.ApiVersion.IndexOf('/')];
    }

    /// <summary>"deployment.apps/web", as `-o name` and apply print it.</summary>
    public static string Of(KubeObject obj) => Qualified(obj.Kind) + "/" + obj.Name;
}
