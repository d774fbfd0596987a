namespace Edge.Dataplane.Mgmt
{
    /// <summary>Field layouts of the small messages (the snapshot has its own codec).</summary>
    public static class Messages
    {
        public const string FirmwareVersion = "0.1.0";

        /// <summary>Hello: name, firmware, board address, VXLAN port, applied generation, pod capacity, largest payload it takes (added last: older hosts stop before it).</summary>
        public static void WriteHello(PayloadWriter w, string name, uint address, ushort vxlanPort, uint generation, int maxPods, int maxPayload)
        {
            w.String(name);
            w.String(FirmwareVersion);
            w.Address(address);
            w.Int(vxlanPort);
            w.Varint(generation);
            w.Int(maxPods);
            w.Int(maxPayload);
        }

        /// <summary>Ack: the generation, and null or why it was not applied.</summary>
        public static void WriteAck(PayloadWriter w, uint generation, string error)
        {
            w.Varint(generation);
            w.String(error);
        }
    }
}
