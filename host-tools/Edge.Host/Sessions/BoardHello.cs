using Edge.Dataplane.Mgmt;

namespace Edge.Host.Sessions;

/// <summary>
/// What a board said when the session opened; <see cref="Trust"/> says how its line is trusted
/// (Messages.LineTrusted on its USB console, LineAuthenticate on the network, LineNoKey when it
/// was never given a cluster key), <see cref="Cluster"/> and <see cref="KeyId"/> which cluster it obeys.
/// </summary>
public sealed record BoardHello(string Name, string Firmware, uint Address, ushort VxlanPort, uint AppliedGeneration, int MaxPods,
    int MaxPayload = Frame.MaxPayload)
{
    public int Trust { get; init; } = Messages.LineTrusted;

    public string? Cluster { get; init; }

    public uint KeyId { get; init; }

    /// <summary>The board's nonce for this connection (LineAuthenticate only).</summary>
    public byte[]? Nonce { get; init; }

    /// <summary>"cluster lab (key 3fa2c1d9)", or "no cluster" for a board never provisioned.</summary>
    public string DescribeCluster() => Cluster == null ? "no cluster" : $"cluster \"{Cluster}\" (key {Edge.Dataplane.Trust.SessionAuth.Describe(KeyId)})";
}
