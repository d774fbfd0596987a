namespace Edge.Dataplane.Dns
{
    /// <summary>
    /// The node's proxied service ports as cluster DNS reads them: kube-proxy's table, one slot per
    /// service port. A service with a ClusterIP is answered from there (A, SRV, PTR), so the host
    /// sends DNS entries only for headless and ExternalName services and no second copy of every
    /// service lives on the board. Dns knows the table only through this.
    /// </summary>
    public interface IServicePorts
    {
        /// <summary>The number of slots (some may be free).</summary>
        int Capacity { get; }

        /// <summary>Moves whenever a slot changes: what the zone indexed by name is stale once it moved.</summary>
        int Version { get; }

        /// <summary>
        /// Fills <paramref name="entry"/> from the slot and returns true when it holds a port of a
        /// service with a ClusterIP; false for a free slot or an ExternalName service (the entry
        /// is then left as it was).
        /// </summary>
        bool Read(int slot, ServicePortEntry entry);
    }
}
