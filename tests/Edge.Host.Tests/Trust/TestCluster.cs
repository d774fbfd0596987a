using Edge.Dataplane.Boards;
using Edge.Dataplane.Platform;
using Edge.Host.Trust;

namespace Edge.Host.Tests.Trust;

/// <summary>
/// A cluster key for tests, and boards' flash provisioned with it (what `board provision` over
/// USB, or `lab up`, gives a board): a virtual board made with <see cref="Provisioned"/> obeys a
/// control plane holding <see cref="Key"/>, and no other.
/// </summary>
public static class TestCluster
{
    public static readonly ClusterKey Key = new("test", Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    /// <summary>Another cluster's key: a control plane holding it is refused by boards of <see cref="Key"/>.</summary>
    public static readonly ClusterKey Other = new("other", Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());

    public static IStorage Provisioned(ClusterKey? key = null)
    {
        key ??= Key;
        var storage = new MemoryStorage();
        new BoardSettings { Cluster = key.Cluster, Key = key.Key }.Save(storage);
        return storage;
    }
}
