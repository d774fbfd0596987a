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

    /// <summary>How many TLS sessions the board terminates at once (its memory class's); 0 for none, and from firmware that predates TLS.</summary>
    public int TlsSessions { get; init; }

    /// <summary>The bytes the board offers pods (its memory class's); 0 from firmware that predates saying it (then memory is not scheduled there).</summary>
    public int PodMemory { get; init; }

    /// <summary>Containers and probes the board runs across its pods (0 from firmware that does not say).</summary>
    public int MaxContainers { get; init; }

    public int MaxProbes { get; init; }

    /// <summary>
    /// Reads a Hello payload (Messages.WriteHello, then WriteHelloTrust, then WriteHelloCapacity): each
    /// part was added after the one before, and a board whose firmware predates a part stops
    /// before it, so what it does not say keeps its default (a trusted line, no TLS).
    /// </summary>
    public static BoardHello Read(PayloadReader r)
    {
        var hello = new BoardHello(BoardClient.Printable(r.String()), BoardClient.Printable(r.String()), r.Address(), (ushort)r.Int(), r.Varint(), r.Int());
        if (r.AtEnd)
        {
            return hello;
        }

        hello = hello with { MaxPayload = r.Int() };
        if (r.AtEnd)
        {
            return hello;
        }

        int trust = r.Int();
        string? cluster = r.String() is { } name ? BoardClient.Printable(name) : null;
        uint keyId = r.Address();
        byte[]? nonce = null;
        if (trust == Messages.LineAuthenticate)
        {
            nonce = new byte[Edge.Dataplane.Trust.SessionAuth.NonceLength];
            if (!r.Raw(nonce, 0, nonce.Length))
            {
                nonce = null;
            }
        }

        hello = hello with { Trust = trust, Cluster = cluster, KeyId = keyId, Nonce = nonce };
        if (r.AtEnd)
        {
            return hello;
        }

        hello = hello with { TlsSessions = Math.Max(0, r.Int()) };
        hello = r.AtEnd ? hello : hello with { PodMemory = Math.Max(0, r.Int()) };
        hello = r.AtEnd ? hello : hello with { MaxContainers = Math.Max(0, r.Int()) };
        return r.AtEnd ? hello : hello with { MaxProbes = Math.Max(0, r.Int()) };
    }

    /// <summary>"cluster lab (key 3fa2c1d9)", or "no cluster" for a board never provisioned.</summary>
    public string DescribeCluster() => Cluster == null ? "no cluster" : $"cluster \"{Cluster}\" (key {Edge.Dataplane.Trust.SessionAuth.Describe(KeyId)})";
}
