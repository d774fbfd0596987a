namespace Edge.Dataplane.Net.Tcp
{
    /// <summary>
    /// What a connection keeps and a listener does not: the send and receive sequence spaces,
    /// closing, retransmission and congestion state, and counters (RFC 9293 calls this the TCB).
    /// A socket gets its control block when it becomes a connection.
    ///
    /// On nanoFramework every field of an object costs a 12-byte heap block whatever its type,
    /// while an array element costs its own size: the 32-bit values live in <see cref="Words"/>
    /// and the 64-bit ones in <see cref="Longs"/>, at the indexes named below (about 240 bytes a
    /// connection instead of the 444 that 36 fields took). The socket reads them in place: an
    /// element costs the interpreter two instructions more than a field, with no call and no
    /// allocation on the packet path.
    /// </summary>
    internal sealed class TcpControlBlock
    {
        // Send sequence space (RFC 9293 §3.3.1), in Words.
        public const int Iss = 0;
        public const int SndUna = 1;
        public const int SndNxt = 2;
        public const int SndMax = 3;        // highest sequence sent: after a timeout SndNxt goes back, this does not
        public const int SndWnd = 4;
        public const int SndWl1 = 5;
        public const int SndWl2 = 6;
        public const int SendRingSeq = 7;   // sequence number of the first byte of the send ring
        public const int PeerMss = 8;       // RFC 9293 §3.7.1 default 536

        // Receive sequence space.
        public const int Irs = 9;
        public const int RcvNxt = 10;
        public const int AdvertisedWindow = 11;

        // Closing (FinQueued, FinSent, PeerFin: 0 or 1).
        public const int FinQueued = 12;
        public const int FinSent = 13;
        public const int FinSeq = 14;
        public const int PeerFin = 15;

        // Retransmission (RFC 6298: milliseconds) and congestion control (RFC 5681); Timing,
        // InRecovery and AckNeeded are 0 or 1.
        public const int Srtt = 16;
        public const int Rttvar = 17;
        public const int Rto = 18;
        public const int Retransmissions = 19;
        public const int Timing = 20;
        public const int TimedSeq = 21;
        public const int Cwnd = 22;
        public const int Ssthresh = 23;
        public const int DupAcks = 24;
        public const int InRecovery = 25;
        public const int Recover = 26;
        public const int AckNeeded = 27;
        private const int WordCount = 28;

        // Times (board milliseconds) and counters, in Longs.
        public const int TimeWaitUntil = 0;
        public const int RetransmitAt = 1;
        public const int TimedAt = 2;
        public const int SentSegments = 3;
        public const int ReceivedSegments = 4;
        public const int RetransmittedSegments = 5;
        public const int SentBytes = 6;
        public const int ReceivedBytes = 7;
        private const int LongCount = 8;

        /// <summary>The 32-bit values; sequence numbers as they are, the others stored as uint and read back with (int).</summary>
        public readonly uint[] Words = new uint[WordCount];

        public readonly long[] Longs = new long[LongCount];

        public TcpControlBlock()
        {
            Words[PeerMss] = 536;
            Words[Rto] = TcpSocket.InitialRtoMs;
            Words[Cwnd] = 3 * TcpSocket.DefaultMss;
            Words[Ssthresh] = 65535;
        }
    }
}
