namespace Edge.Dataplane.Dns
{
    /// <summary>One service port of the node's service table, as DNS needs it; the zone reads slots into one of these it keeps.</summary>
    public sealed class ServicePortEntry
    {
        public string Namespace;
        public string Name;
        public uint ClusterIp;

        /// <summary>The port's name (an SRV record's _name label); empty for an unnamed port.</summary>
        public string PortName;
        public byte Protocol;
        public ushort Port;
    }
}
