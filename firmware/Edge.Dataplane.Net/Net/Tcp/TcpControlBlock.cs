namespace Edge.Dataplane.Net.Tcp
{
    /// <summary>
    /// What a connection keeps and a listener does not: the send and receive sequence spaces,
    /// closing, retransmission and congestion state, and counters. On nanoFramework every field
    /// of an object costs a 12-byte heap block, so a listener (one per serving pod) that carried
    /// all of these paid about 430 bytes for nothing; a socket gets its control block when it
    /// becomes a connection (RFC 9293 calls this the TCB).
    /// </summary>
    internal sealed class TcpControlBlock
    {
        // Send sequence space (RFC 9293 §3.3.1).
        public uint Iss;
        public uint SndUna;
        public uint SndNxt;
        public uint SndMax;        // highest sequence sent: after a timeout SndNxt goes back, this does not
        public uint SndWnd;
        public uint SndWl1;
        public uint SndWl2;
        public uint SendRingSeq;   // sequence number of the first byte of the send ring
        public int PeerMss = 536;  // RFC 9293 §3.7.1 default

        // Receive sequence space.
        public uint Irs;
        public uint RcvNxt;
        public int AdvertisedWindow;

        // Closing.
        public bool FinQueued;
        public bool FinSent;
        public uint FinSeq;
        public bool PeerFin;
        public long TimeWaitUntil;

        // Retransmission (RFC 6298) and congestion control (RFC 5681).
        public long Srtt;
        public long Rttvar;
        public long Rto = TcpSocket.InitialRtoMs;
        public long RetransmitAt;
        public int Retransmissions;
        public bool Timing;
        public uint TimedSeq;
        public long TimedAt;
        public int Cwnd = 3 * TcpSocket.DefaultMss;
        public int Ssthresh = 65535;
        public int DupAcks;
        public bool InRecovery;
        public uint Recover;
        public bool AckNeeded;

        // Counters, for views and tests.
        public long SegmentsSent;
        public long SegmentsReceived;
        public long Retransmits;
        public long BytesSent;
        public long BytesReceived;
    }
}
