namespace Edge.Dataplane.Net.Tcp
{
    /// <summary>Why a connection ended other than by an orderly close.</summary>
    public static class TcpError
    {
        public const int None = 0;

        /// <summary>RST in answer to our SYN: nothing listens there ("connection refused").</summary>
        public const int Refused = 1;

        /// <summary>The peer reset an established connection.</summary>
        public const int Reset = 2;

        /// <summary>Retransmissions ran out without an acknowledgment.</summary>
        public const int TimedOut = 3;

        /// <summary>Closed by <see cref="TcpSocket.Abort"/> or because the pod went away.</summary>
        public const int Aborted = 4;

        /// <summary>ICMP said the network or host cannot be reached, or is prohibited ("no route to host").</summary>
        public const int Unreachable = 5;

        // A switch, not a static array: the names stay in flash instead of an array on the heap.
        private static string NameAt(int i)
        {
            switch (i)
            {
                case 0: return "none";
                case 1: return "connection refused";
                case 2: return "connection reset by peer";
                case 3: return "connection timed out";
                case 4: return "aborted";
                case 5: return "no route to host";
                default: return null;
            }
        }

        public static string Name(int error)
        {
            return NameAt(error) ?? "unknown";
        }
    }
}
