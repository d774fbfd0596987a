namespace Edge.Host.Objects;

/// <summary>
/// How many TLS sessions a node's board holds at once, as its Node says: an extended resource in
/// status.capacity and status.allocatable beside "pods", a quantity as a string, as a kubelet's
/// device plugin would report one. The board says it in its hello from its memory class (a WROOM
/// board 0: mbedTLS's record buffers do not fit beside lwIP); the host sends certificates, and
/// places TLS, only where it is more than 0.
/// </summary>
public static class NodeTls
{
    /// <summary>The extended resource's name (domain-prefixed, as Kubernetes asks of extended resources).</summary>
    public const string Resource = "edge.dev/tls-sessions";

    /// <summary>status.allocatable's count; 0 when the Node has none (a WROOM board, or firmware that predates TLS).</summary>
    public static int Sessions(KubeObject node) =>
        JsonNumbers.AsInt(node.Json["status"]?["allocatable"]?[Resource], allowQuoted: true) is int n and > 0 ? n : 0;

    /// <summary>Whether the Node says how many sessions its board takes (0 included): one registered by an older control plane does not, yet.</summary>
    public static bool Reported(KubeObject node) => node.Json["status"]?["allocatable"]?[Resource] != null;

    /// <summary>Whether the node's board terminates TLS.</summary>
    public static bool Terminates(KubeObject node) => Sessions(node) > 0;
}
