namespace Edge.Dataplane.Agent
{
    /// <summary>What a board says about itself in Hello: provisioned identity, not desired state.</summary>
    public sealed class NodeConfigIdentity
    {
        public string Name = "";
        public uint Address;
        public ushort VxlanPort = 4789;
        public int MaxPods = 8;

        /// <summary>The largest frame payload the board takes (its receive buffers are this big); the host keeps to it.</summary>
        public int MaxPayload = Mgmt.Frame.MaxPayload;

        /// <summary>The largest frame payload the board sends (its outgoing buffer); views and long output come in several.</summary>
        public int MaxOutPayload = Mgmt.Frame.MaxPayload;

        /// <summary>How many TLS sessions the board's platform holds at once (0: it terminates none): the host sends certificates only where this is more.</summary>
        public int TlsSessions;

        /// <summary>Bytes the board offers pods (MemoryClass.PodMemory): its Node's allocatable memory.</summary>
        public int PodMemory;

        /// <summary>Containers and probes the board runs across its pods (NodeConfig.MaxContainers, MaxProbes).</summary>
        public int MaxContainers;
        public int MaxProbes;
    }
}
