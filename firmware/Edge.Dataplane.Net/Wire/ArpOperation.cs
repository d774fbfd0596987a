namespace Edge.Dataplane.Wire
{
    /// <summary>ARP opcodes (RFC 826; RFC 5494 registry). Others parse and keep their number.</summary>
    public static class ArpOperation
    {
        public const ushort Request = 1;
        public const ushort Reply = 2;

        public static string Name(ushort operation)
        {
            switch (operation)
            {
                case Request: return "request";
                case Reply: return "reply";
                default: return "op " + operation.ToString();
            }
        }
    }
}
