namespace Edge.Dataplane.Wire
{
    /// <summary>ICMPv4 types and codes Edge sends or reads (RFC 792, RFC 1812 §5.2.7.1).</summary>
    public static class IcmpType
    {
        public const byte EchoReply = 0;
        public const byte DestinationUnreachable = 3;
        public const byte EchoRequest = 8;
        public const byte TimeExceeded = 11;

        // Destination Unreachable codes.
        public const byte NetUnreachable = 0;
        public const byte HostUnreachable = 1;
        public const byte ProtocolUnreachable = 2;
        public const byte PortUnreachable = 3;
        public const byte FragmentationNeeded = 4;
        public const byte AdministrativelyProhibited = 13;

        public static string Name(byte type, byte code)
        {
            switch (type)
            {
                case EchoReply: return "echo reply";
                case EchoRequest: return "echo request";
                case TimeExceeded: return "time exceeded";
                case DestinationUnreachable:
                    switch (code)
                    {
                        case NetUnreachable: return "net unreachable";
                        case HostUnreachable: return "host unreachable";
                        case ProtocolUnreachable: return "protocol unreachable";
                        case PortUnreachable: return "port unreachable";
                        case FragmentationNeeded: return "fragmentation needed";
                        case AdministrativelyProhibited: return "administratively prohibited";
                        default: return "unreachable code " + code.ToString();
                    }

                default: return "type " + type.ToString() + " code " + code.ToString();
            }
        }
    }
}
