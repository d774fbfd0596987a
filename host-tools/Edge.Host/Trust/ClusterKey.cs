using System.Security.Cryptography;
using Edge.Dataplane.Trust;

namespace Edge.Host.Trust;

/// <summary>
/// A cluster's key: what its boards keep in flash and its control plane proves on every
/// management connection (SessionAuth). <see cref="Previous"/> is the key before the last
/// `edgectl board rekey`, kept so a board that was off during the rekey can still be reached
/// and given the new one.
/// </summary>
public sealed record ClusterKey(string Cluster, byte[] Key, byte[]? Previous = null)
{
    public static ClusterKey Create(string cluster) => new(cluster, RandomNumberGenerator.GetBytes(SessionAuth.KeyLength));

    /// <summary>The key id boards print and say in their Hello (no secret: HMAC(K, 4)'s first 32 bits).</summary>
    public uint Id => IdOf(Key);

    public uint? PreviousId => Previous == null ? null : IdOf(Previous);

    public string Describe() => $"cluster \"{Cluster}\" (key {SessionAuth.Describe(Id)})";

    /// <summary>The key a board with <paramref name="keyId"/> holds, if it is this cluster's (current or previous); null otherwise.</summary>
    public byte[]? ForId(uint keyId) => keyId == Id ? Key : Previous != null && keyId == IdOf(Previous) ? Previous : null;

    /// <summary>A new key; this one becomes the previous.</summary>
    public ClusterKey Rotated() => new(Cluster, RandomNumberGenerator.GetBytes(SessionAuth.KeyLength), Key);

    public static uint IdOf(byte[] key) => SessionAuth.KeyIdOf(key);
}
