namespace Edge.Dataplane.Wire
{
    /// <summary>TCP control bits (RFC 9293 §3.1; ECE and CWR from RFC 3168), as one byte.</summary>
    public static class TcpFlags
    {
        public const byte Fin = 0x01;
        public const byte Syn = 0x02;
        public const byte Rst = 0x04;
        public const byte Psh = 0x08;
        public const byte Ack = 0x10;
        public const byte Urg = 0x20;
        public const byte Ece = 0x40;
        public const byte Cwr = 0x80;

        /// <summary>tcpdump's notation: "S" for SYN, "S." for SYN+ACK, "P." for PSH+ACK, "." for ACK alone.</summary>
        public static string Format(byte flags)
        {
            string text = "";
            if ((flags & Syn) != 0) text += "S";
            if ((flags & Fin) != 0) text += "F";
            if ((flags & Rst) != 0) text += "R";
            if ((flags & Psh) != 0) text += "P";
            if ((flags & Urg) != 0) text += "U";
            if ((flags & Ece) != 0) text += "E";
            if ((flags & Cwr) != 0) text += "W";
            if ((flags & Ack) != 0) text += ".";
            return text.Length == 0 ? "none" : text;
        }
    }
}
