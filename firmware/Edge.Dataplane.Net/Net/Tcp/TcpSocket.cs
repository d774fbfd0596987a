using Edge.Dataplane.Wire;
using static Edge.Dataplane.Net.Tcp.TcpControlBlock;

namespace Edge.Dataplane.Net.Tcp
{
    /// <summary>
    /// One TCP endpoint in a pod (RFC 9293): a listener, or a connection with a send and a
    /// receive buffer of fixed size. Non-blocking: the application calls Send/Receive/Close
    /// and the pod's poll loop moves segments. What it implements:
    /// <list type="bullet">
    /// <item>three-way handshake both ways, MSS option (ours: the pod MTU of 1450 less 40);</item>
    /// <item>sliding window both ways, zero-window probing, window updates when the application reads;</item>
    /// <item>retransmission timeout per RFC 6298 (SRTT/RTTVAR, Karn's rule, exponential backoff,
    ///   200 ms floor as Linux uses), fast retransmit on three duplicate ACKs, slow start and
    ///   congestion avoidance (RFC 5681);</item>
    /// <item>FIN in both directions with every closing state, RST handling with RFC 5961's
    ///   challenge ACK, a bounded TIME-WAIT.</item>
    /// </list>
    /// Out-of-order segments are not queued: they are dropped and answered with a duplicate
    /// ACK, so the sender retransmits (fast retransmit makes this cheap). Window scaling, SACK
    /// and timestamps are not offered, so peers send neither.
    /// </summary>
    public sealed class TcpSocket
    {
        /// <summary>Pod MTU 1450 (the overlay adds 50 bytes to a 1500-byte wire) minus IPv4 and TCP headers.</summary>
        public const int DefaultMss = 1410;
        public const int InitialRtoMs = 1000;
        public const int MinimumRtoMs = 200;
        public const int MaximumRtoMs = 60000;
        public const int MaximumRetransmissions = 8;
        public const int MaximumSynRetransmissions = 5;

        private readonly PodSandbox _pod;
        private ByteRing _send;
        private ByteRing _receive;

        // On nanoFramework each field of an object is a 12-byte heap block (a long as much as a
        // byte), paid by every socket: the small settings (state, error, backlog, two flags:
        // the low half) share one long with the two ports (local, remote: the high half), and
        // the two addresses another (local high, remote low), behind the properties that name them.
        private ulong _settings;
        private ulong _addresses;
        private const int ErrorShift = 8;
        private const int BacklogShift = 16;
        private const int AcceptedBit = 1 << 24;
        private const int TransparentBit = 1 << 25;

        /// <summary>The RFC 9293 state (<see cref="TcpState"/>).</summary>
        public int State
        {
            get { return (int)_settings & 0xFF; }
            set { Bits = (Bits & ~0xFF) | (value & 0xFF); }
        }

        /// <summary>Why the connection closed (<see cref="TcpError"/>), None while it has not.</summary>
        public int Error
        {
            get { return ((int)_settings >> ErrorShift) & 0xFF; }
            set { Bits = (Bits & ~(0xFF << ErrorShift)) | ((value & 0xFF) << ErrorShift); }
        }

        private int Bits
        {
            get { return (int)_settings; }
            set { _settings = (_settings & 0xFFFFFFFF00000000) | (uint)value; }
        }

        private uint Ports
        {
            get { return (uint)(_settings >> 32); }
            set { _settings = (_settings & 0xFFFFFFFF) | ((ulong)value << 32); }
        }

        public uint LocalAddress
        {
            get { return (uint)(_addresses >> 32); }
            set { _addresses = (_addresses & 0xFFFFFFFF) | ((ulong)value << 32); }
        }

        public ushort LocalPort
        {
            get { return (ushort)(_settings >> 48); }
            set { Ports = (Ports & 0xFFFF) | ((uint)value << 16); }
        }

        public uint RemoteAddress
        {
            get { return (uint)_addresses; }
            set { _addresses = (_addresses & 0xFFFFFFFF00000000) | value; }
        }

        public ushort RemotePort
        {
            get { return (ushort)(_settings >> 32); }
            set { Ports = (Ports & 0xFFFF0000) | value; }
        }

        // A connection's state, none for a listener (see TcpControlBlock).
        private TcpControlBlock _c;

        // Listener and accept queue.
        internal TcpSocket Parent;
        internal long CreatedAt;

        /// <summary>An accepted connection has been handed to the application.</summary>
        internal bool Accepted
        {
            get { return ((int)_settings & AcceptedBit) != 0; }
            set { Bits = value ? Bits | AcceptedBit : Bits & ~AcceptedBit; }
        }

        /// <summary>A listener's accept queue limit (at most 255).</summary>
        internal int Backlog
        {
            get { return ((int)_settings >> BacklogShift) & 0xFF; }
            set { Bits = (Bits & ~(0xFF << BacklogShift)) | ((value > 255 ? 255 : value) << BacklogShift); }
        }

        public long SegmentsSent
        {
            get { return _c == null ? 0 : _c.Longs[SentSegments]; }
        }

        public long SegmentsReceived
        {
            get { return _c == null ? 0 : _c.Longs[ReceivedSegments]; }
        }

        public long Retransmits
        {
            get { return _c == null ? 0 : _c.Longs[RetransmittedSegments]; }
        }

        public long BytesSent
        {
            get { return _c == null ? 0 : _c.Longs[SentBytes]; }
        }

        public long BytesReceived
        {
            get { return _c == null ? 0 : _c.Longs[ReceivedBytes]; }
        }

        internal TcpSocket(PodSandbox pod)
        {
            _pod = pod;
        }

        /// <summary>Readies the socket for a connection: its buffers and a fresh control block.</summary>
        internal void Open(int sendBuffer, int receiveBuffer)
        {
            _send = new ByteRing(sendBuffer);
            _receive = new ByteRing(receiveBuffer);
            _c = new TcpControlBlock();
            Reset();
        }

        /// <summary>
        /// Readies the socket to listen: a listener never carries data (the connections it
        /// accepts get sockets of their own), so it shares the node's empty ring and has no
        /// control block.
        /// </summary>
        internal void OpenListener()
        {
            _send = _pod.Node.NoData;
            _receive = _pod.Node.NoData;
            _c = null;
            Reset();
        }

        private void Reset()
        {
            State = TcpState.Closed;
            Error = TcpError.None;
            Parent = null;
            Accepted = false;
            Backlog = 0;
        }

        /// <summary>Established (or later, with data still flowing): Send and Receive work.</summary>
        public bool IsConnected
        {
            get { return State == TcpState.Established || State == TcpState.CloseWait || State == TcpState.FinWait1 || State == TcpState.FinWait2; }
        }

        /// <summary>The connection is gone (closed, reset, refused, timed out); the socket can be dropped.</summary>
        public bool IsClosed
        {
            get { return State == TcpState.Closed || State == TcpState.TimeWait; }
        }

        /// <summary>Bytes waiting to be read.</summary>
        public int Available
        {
            get { return _receive.Count; }
        }

        /// <summary>A received byte not read yet, <paramref name="index"/> bytes in (index &lt; <see cref="Available"/>).</summary>
        public byte Peek(int index)
        {
            return _receive.ByteAt(index);
        }

        /// <summary>How many received bytes the socket can hold unread.</summary>
        public int ReceiveCapacity
        {
            get { return _receive.Capacity; }
        }

        /// <summary>Room in the send buffer.</summary>
        public int SendSpace
        {
            get { return _c == null || _c.Words[FinQueued] != 0 ? 0 : _send.Free; }
        }

        /// <summary>Bytes queued to send that the peer has not acknowledged yet.</summary>
        public int SendPending
        {
            get { return _c == null ? 0 : _send.Count; }
        }

        /// <summary>The peer closed its side and every byte it sent has been read.</summary>
        public bool EndOfStream
        {
            get { return _c != null && _c.Words[PeerFin] != 0 && _receive.Count == 0; }
        }

        /// <summary>
        /// The peer has sent its FIN: what the receive buffer holds is all it will send (read or
        /// not; <see cref="EndOfStream"/> is this once it has been read).
        /// </summary>
        public bool PeerFinished
        {
            get { return _c != null && _c.Words[PeerFin] != 0; }
        }

        /// <summary>Queues bytes to send; returns how many fitted (0 when the buffer is full or the socket cannot send).</summary>
        public int Send(byte[] data, int offset, int length)
        {
            if (_c == null || _c.Words[FinQueued] != 0 || !(State == TcpState.Established || State == TcpState.CloseWait || State == TcpState.SynSent || State == TcpState.SynReceived))
            {
                return 0;
            }

            int n = _send.Write(data, offset, length);
            if (n > 0 && IsConnected)
            {
                Output(_pod.Now);
            }

            return n;
        }

        /// <summary>Reads up to length bytes; 0 when nothing waits (check <see cref="EndOfStream"/>).</summary>
        public int Receive(byte[] buffer, int offset, int length)
        {
            int n = _receive.Read(buffer, offset, length);
            if (n > 0 && WindowWorthAnnouncing())
            {
                _c.Words[AckNeeded] = 1;
                Output(_pod.Now);
            }

            return n;
        }

        /// <summary>
        /// Drops what has arrived unread, opening the window again: a server's lingering close
        /// (after its FIN it reads and throws away what the client still sends, as Go's net/http
        /// does, rather than leave the client stuck on a shut window). Returns how many bytes.
        /// </summary>
        public int DiscardReceived()
        {
            int n = _receive.Discard(_receive.Count);
            if (n > 0 && WindowWorthAnnouncing())
            {
                _c.Words[AckNeeded] = 1;
                Output(_pod.Now);
            }

            return n;
        }

        /// <summary>An orderly close: FIN after everything queued has been sent. Listeners reset their unaccepted connections.</summary>
        public void Close()
        {
            switch (State)
            {
                case TcpState.Listen:
                case TcpState.SynSent:
                    _pod.CloseTcp(this);
                    State = TcpState.Closed;
                    return;
                case TcpState.SynReceived:
                case TcpState.Established:
                    _c.Words[FinQueued] = 1;
                    State = TcpState.FinWait1;
                    Output(_pod.Now);
                    return;
                case TcpState.CloseWait:
                    _c.Words[FinQueued] = 1;
                    State = TcpState.LastAck;
                    Output(_pod.Now);
                    return;
            }
        }

        /// <summary>Resets the connection (RST) and frees the socket.</summary>
        public void Abort()
        {
            if (TcpState.IsSynchronized(State) && State != TcpState.TimeWait)
            {
                SendControl(_c.Words[SndNxt], 0, TcpFlags.Rst | TcpFlags.Ack);
            }

            Terminate(TcpError.Aborted);
        }

        /// <summary>The next connection this listener has established, or null.</summary>
        public TcpSocket Accept()
        {
            return State == TcpState.Listen ? _pod.AcceptTcp(this) : null;
        }

        public override string ToString()
        {
            return TcpState.Name(State) + " " + Ipv4Address.Format(LocalAddress) + ":" + LocalPort.ToString()
                + " " + Ipv4Address.Format(RemoteAddress) + ":" + RemotePort.ToString();
        }

        /// <summary>Accepts connections to any address and port the gateway hands over (pod egress).</summary>
        internal bool Transparent
        {
            get { return ((int)_settings & TransparentBit) != 0; }
            set { Bits = value ? Bits | TransparentBit : Bits & ~TransparentBit; }
        }

        internal void StartListen(ushort port, int backlog, long now)
        {
            LocalAddress = 0;
            LocalPort = port;
            RemoteAddress = 0;
            RemotePort = 0;
            Backlog = backlog;
            State = TcpState.Listen;
            CreatedAt = now;
        }

        internal void StartConnect(uint local, ushort localPort, uint remote, ushort remotePort, uint iss, long now)
        {
            LocalAddress = local;
            LocalPort = localPort;
            RemoteAddress = remote;
            RemotePort = remotePort;
            CreatedAt = now;
            _c.Words[Iss] = iss;
            _c.Words[SndUna] = iss;
            _c.Words[SndNxt] = iss;
            _c.Words[SndMax] = iss;
            _c.Words[SendRingSeq] = iss + 1;
            _c.Words[SndWnd] = 1;
            State = TcpState.SynSent;
            Output(now);
        }

        /// <summary>A child of a listener, created by a SYN (the repr is that SYN).</summary>
        internal void StartFromSyn(TcpSocket listener, uint local, uint remote, TcpRepr syn, uint iss, long now)
        {
            Parent = listener;
            LocalAddress = local;
            LocalPort = syn.DestinationPort;
            RemoteAddress = remote;
            RemotePort = syn.SourcePort;
            CreatedAt = now;
            _c.Words[Irs] = syn.SequenceNumber;
            _c.Words[RcvNxt] = syn.SequenceNumber + 1;
            _c.Words[Iss] = iss;
            _c.Words[SndUna] = iss;
            _c.Words[SndNxt] = iss;
            _c.Words[SndMax] = iss;
            _c.Words[SendRingSeq] = iss + 1;
            _c.Words[SndWnd] = syn.Window;
            _c.Words[SndWl1] = syn.SequenceNumber;
            _c.Words[SndWl2] = 0;
            if (syn.MaximumSegmentSize != 0)
            {
                _c.Words[PeerMss] = (uint)syn.MaximumSegmentSize;
            }

            State = TcpState.SynReceived;
            Output(now);
        }

        /// <summary>An ICMP hard error answered our SYN.</summary>
        internal void Refuse(int error)
        {
            Terminate(error);
        }

        internal bool Matches(uint local, ushort localPort, uint remote, ushort remotePort)
        {
            // The fields read once, in this body: it runs for every socket a segment is matched against.
            ulong settings = _settings;
            int state = (int)settings & 0xFF;
            return state != TcpState.Listen && state != TcpState.Closed && (uint)(settings >> 32) == (((uint)localPort << 16) | remotePort)
                && _addresses == (((ulong)local << 32) | remote);
        }

        /// <summary>Processes one segment for this connection (RFC 9293 §3.10.7).</summary>
        internal void Input(TcpRepr seg, byte[] data, long now)
        {
            _c.Longs[ReceivedSegments]++;
            if (State == TcpState.SynSent)
            {
                InputSynSent(seg, now);
                return;
            }

            int segLength = seg.PayloadLength + (seg.HasFlag(TcpFlags.Syn) ? 1 : 0) + (seg.HasFlag(TcpFlags.Fin) ? 1 : 0);

            // First: is the segment in the receive window?
            if (!Acceptable(seg.SequenceNumber, segLength))
            {
                if (!seg.HasFlag(TcpFlags.Rst))
                {
                    SendAck();
                }

                return;
            }

            // Second: RST. Exactly at rcv_nxt resets; elsewhere in the window gets a challenge ACK (RFC 5961 §3).
            if (seg.HasFlag(TcpFlags.Rst))
            {
                if (seg.SequenceNumber == _c.Words[RcvNxt])
                {
                    Terminate(State == TcpState.SynReceived && Parent != null ? TcpError.Refused : TcpError.Reset);
                }
                else
                {
                    SendAck();
                }

                return;
            }

            // Fourth: a SYN in a synchronized state gets a challenge ACK (RFC 5961 §4).
            if (seg.HasFlag(TcpFlags.Syn))
            {
                SendAck();
                return;
            }

            if (!seg.HasFlag(TcpFlags.Ack))
            {
                return;
            }

            // Fifth: ACK.
            if (State == TcpState.SynReceived)
            {
                if (Seq.Gt(seg.AcknowledgmentNumber, _c.Words[SndUna]) && Seq.Le(seg.AcknowledgmentNumber, _c.Words[SndNxt]))
                {
                    State = TcpState.Established;
                    _c.Words[SndWnd] = seg.Window;
                    _c.Words[SndWl1] = seg.SequenceNumber;
                    _c.Words[SndWl2] = seg.AcknowledgmentNumber;
                }
                else
                {
                    SendControl(seg.AcknowledgmentNumber, 0, TcpFlags.Rst);
                    return;
                }
            }

            if (!ProcessAck(seg, now))
            {
                return;
            }

            // Seventh: data.
            if (seg.PayloadLength > 0 && (State == TcpState.Established || State == TcpState.FinWait1 || State == TcpState.FinWait2))
            {
                AcceptData(seg, data);
            }

            // Eighth: FIN, once everything before it has arrived.
            if (seg.HasFlag(TcpFlags.Fin) && seg.SequenceNumber + (uint)seg.PayloadLength == _c.Words[RcvNxt] && _c.Words[PeerFin] == 0)
            {
                _c.Words[PeerFin] = 1;
                _c.Words[RcvNxt]++;
                _c.Words[AckNeeded] = 1;
                switch (State)
                {
                    case TcpState.SynReceived:
                    case TcpState.Established:
                        State = TcpState.CloseWait;
                        break;
                    case TcpState.FinWait1:
                        State = FinAcked() ? TcpState.TimeWait : TcpState.Closing;
                        break;
                    case TcpState.FinWait2:
                        State = TcpState.TimeWait;
                        break;
                }

                if (State == TcpState.TimeWait)
                {
                    EnterTimeWait(now);
                }
            }
            else if (seg.HasFlag(TcpFlags.Fin) && State == TcpState.TimeWait)
            {
                _c.Words[AckNeeded] = 1; // a retransmitted FIN: ACK it again and restart the wait
                EnterTimeWait(now);
            }

            Output(now);
        }

        /// <summary>Timers: retransmission, zero-window probe, TIME-WAIT; and anything waiting to go out.</summary>
        internal void Poll(long now)
        {
            if (State == TcpState.TimeWait)
            {
                if (now >= _c.Longs[TimeWaitUntil])
                {
                    Terminate(TcpError.None);
                }

                return;
            }

            if (State == TcpState.Closed || State == TcpState.Listen)
            {
                return;
            }

            if (_c.Longs[RetransmitAt] != 0 && now >= _c.Longs[RetransmitAt])
            {
                OnRetransmitTimeout(now);
            }

            if (WindowWorthAnnouncing())
            {
                _c.Words[AckNeeded] = 1;
            }

            Output(now);
        }

        internal int TimeWaitRemaining(long now)
        {
            return State == TcpState.TimeWait ? (int)(_c.Longs[TimeWaitUntil] - now) : 0;
        }

        private void InputSynSent(TcpRepr seg, long now)
        {
            bool ackOk = seg.HasFlag(TcpFlags.Ack) && Seq.Gt(seg.AcknowledgmentNumber, _c.Words[Iss]) && Seq.Le(seg.AcknowledgmentNumber, _c.Words[SndNxt]);
            if (seg.HasFlag(TcpFlags.Ack) && !ackOk)
            {
                if (!seg.HasFlag(TcpFlags.Rst))
                {
                    SendControl(seg.AcknowledgmentNumber, 0, TcpFlags.Rst);
                }

                return;
            }

            if (seg.HasFlag(TcpFlags.Rst))
            {
                if (ackOk)
                {
                    Terminate(TcpError.Refused);
                }

                return;
            }

            if (!seg.HasFlag(TcpFlags.Syn) || !ackOk)
            {
                return; // simultaneous open is not supported; the peer will time out or reset
            }

            _c.Words[Irs] = seg.SequenceNumber;
            _c.Words[RcvNxt] = seg.SequenceNumber + 1;
            if (seg.MaximumSegmentSize != 0)
            {
                _c.Words[PeerMss] = (uint)seg.MaximumSegmentSize;
            }

            State = TcpState.Established;
            _c.Words[SndWnd] = seg.Window;
            _c.Words[SndWl1] = seg.SequenceNumber;
            _c.Words[SndWl2] = seg.AcknowledgmentNumber;
            ProcessAck(seg, now);
            _c.Words[AckNeeded] = 1;
            Output(now);
        }

        // RFC 9293 §3.10.7.4 acceptability test.
        private bool Acceptable(uint seq, int segLength)
        {
            int window = _receive.Free;
            if (segLength == 0)
            {
                return window == 0 ? seq == _c.Words[RcvNxt] : Seq.Le(_c.Words[RcvNxt], seq) && Seq.Lt(seq, _c.Words[RcvNxt] + (uint)window);
            }

            if (window == 0)
            {
                return false;
            }

            uint last = seq + (uint)segLength - 1;
            return (Seq.Le(_c.Words[RcvNxt], seq) && Seq.Lt(seq, _c.Words[RcvNxt] + (uint)window))
                || (Seq.Le(_c.Words[RcvNxt], last) && Seq.Lt(last, _c.Words[RcvNxt] + (uint)window));
        }

        // Returns false when the segment must be dropped here.
        private bool ProcessAck(TcpRepr seg, long now)
        {
            uint ack = seg.AcknowledgmentNumber;
            if (Seq.Gt(ack, _c.Words[SndMax]))
            {
                SendAck(); // acknowledges something not yet sent
                return false;
            }

            bool windowChanged = false;
            if (Seq.Lt(_c.Words[SndWl1], seg.SequenceNumber) || (_c.Words[SndWl1] == seg.SequenceNumber && Seq.Le(_c.Words[SndWl2], ack)))
            {
                windowChanged = _c.Words[SndWnd] != seg.Window;
                _c.Words[SndWnd] = seg.Window;
                _c.Words[SndWl1] = seg.SequenceNumber;
                _c.Words[SndWl2] = ack;
            }

            if (Seq.Gt(ack, _c.Words[SndUna]))
            {
                int acked = (int)(ack - _c.Words[SndUna]);
                if (_c.Words[Timing] != 0 && Seq.Gt(ack, _c.Words[TimedSeq]))
                {
                    SampleRtt(now - _c.Longs[TimedAt]);
                    _c.Words[Timing] = 0;
                }

                // Drop the acknowledged bytes (SYN and FIN take sequence space but no buffer).
                int ringBytes = (int)(ack - _c.Words[SendRingSeq]);
                if (ringBytes > 0)
                {
                    int discarded = _send.Discard(ringBytes);
                    _c.Words[SendRingSeq] += (uint)discarded;
                    _c.Longs[SentBytes] += discarded;
                }

                _c.Words[SndUna] = ack;
                if (Seq.Lt(_c.Words[SndNxt], _c.Words[SndUna]))
                {
                    _c.Words[SndNxt] = _c.Words[SndUna]; // what we went back to resend has arrived after all
                }

                _c.Words[Retransmissions] = 0;
                _c.Longs[RetransmitAt] = _c.Words[SndUna] == _c.Words[SndMax] ? 0 : now + (int)_c.Words[Rto];
                OnNewAck(acked, ack);

                if (FinAcked())
                {
                    if (State == TcpState.FinWait1)
                    {
                        State = TcpState.FinWait2;
                    }
                    else if (State == TcpState.Closing)
                    {
                        State = TcpState.TimeWait;
                        EnterTimeWait(now);
                    }
                    else if (State == TcpState.LastAck)
                    {
                        Terminate(TcpError.None);
                        return false;
                    }
                }
            }
            else if (ack == _c.Words[SndUna] && seg.Window == 0 && _c.Words[SndMax] != _c.Words[SndUna])
            {
                _c.Words[Retransmissions] = 0; // the peer answers our zero-window probes: it is alive, just full
            }
            else if (ack == _c.Words[SndUna] && seg.PayloadLength == 0 && !seg.HasFlag(TcpFlags.Fin) && !windowChanged && _c.Words[SndMax] != _c.Words[SndUna])
            {
                OnDuplicateAck(now);
            }

            return true;
        }

        private void AcceptData(TcpRepr seg, byte[] data)
        {
            uint seq = seg.SequenceNumber;
            int offset = seg.PayloadOffset;
            int length = seg.PayloadLength;
            if (Seq.Lt(seq, _c.Words[RcvNxt]))
            {
                int skip = (int)(_c.Words[RcvNxt] - seq); // already have the front: trim it
                if (skip >= length)
                {
                    _c.Words[AckNeeded] = 1;
                    return;
                }

                offset += skip;
                length -= skip;
                seq = _c.Words[RcvNxt];
            }

            if (seq != _c.Words[RcvNxt])
            {
                SendAck(); // out of order: a duplicate ACK tells the sender what is missing
                return;
            }

            int accepted = _receive.Write(data, offset, length);
            _c.Words[RcvNxt] += (uint)accepted;
            _c.Longs[ReceivedBytes] += accepted;
            _c.Words[AckNeeded] = 1;
        }

        private void OnNewAck(int acked, uint ack)
        {
            int mss = Mss();
            if (_c.Words[InRecovery] != 0)
            {
                if (Seq.Ge(ack, _c.Words[Recover]))
                {
                    _c.Words[InRecovery] = 0;
                    _c.Words[Cwnd] = _c.Words[Ssthresh]; // deflate (RFC 5681 §3.2 step 6)
                }
                else
                {
                    SendSegment(_c.Words[SndUna], SegmentLength(_c.Words[SndUna], mss), false); // NewReno partial ACK (RFC 6582)
                    _c.Words[Cwnd] = (uint)((int)_c.Words[Cwnd] - acked + mss > mss ? (int)_c.Words[Cwnd] - acked + mss : mss);
                }
            }
            else if ((int)_c.Words[Cwnd] < (int)_c.Words[Ssthresh])
            {
                _c.Words[Cwnd] += (uint)(acked < mss ? acked : mss);   // slow start
            }
            else
            {
                _c.Words[Cwnd] += (uint)(mss * mss / ((int)_c.Words[Cwnd] > 0 ? (int)_c.Words[Cwnd] : 1)); // congestion avoidance
            }

            _c.Words[DupAcks] = 0;
            if ((int)_c.Words[Cwnd] > 4 * 65535)
            {
                _c.Words[Cwnd] = (uint)(4 * 65535);
            }
        }

        private void OnDuplicateAck(long now)
        {
            _c.Words[DupAcks]++;
            int mss = Mss();
            if ((int)_c.Words[DupAcks] == 3 && _c.Words[InRecovery] == 0)
            {
                int flight = (int)(_c.Words[SndMax] - _c.Words[SndUna]);
                _c.Words[Ssthresh] = (uint)(flight / 2 > 2 * mss ? flight / 2 : 2 * mss);
                _c.Words[Cwnd] = (uint)((int)_c.Words[Ssthresh] + 3 * mss);
                _c.Words[InRecovery] = 1;
                _c.Words[Recover] = _c.Words[SndMax];
                _c.Words[Timing] = 0;
                SendSegment(_c.Words[SndUna], SegmentLength(_c.Words[SndUna], mss), false);
                _c.Longs[RetransmittedSegments]++;
                _c.Longs[RetransmitAt] = now + (int)_c.Words[Rto];
            }
            else if (_c.Words[InRecovery] != 0)
            {
                _c.Words[Cwnd] += (uint)mss; // each further duplicate means a segment left the network
            }
        }

        private void OnRetransmitTimeout(long now)
        {
            _c.Words[Retransmissions]++;
            int limit = State == TcpState.SynSent || State == TcpState.SynReceived ? MaximumSynRetransmissions : MaximumRetransmissions;
            if ((int)_c.Words[Retransmissions] > limit)
            {
                if (State != TcpState.SynSent)
                {
                    SendControl(_c.Words[SndNxt], _c.Words[RcvNxt], TcpFlags.Rst | TcpFlags.Ack);
                }

                Terminate(TcpError.TimedOut);
                return;
            }

            int mss = Mss();
            int flight = (int)(_c.Words[SndMax] - _c.Words[SndUna]);
            _c.Words[Ssthresh] = (uint)(flight / 2 > 2 * mss ? flight / 2 : 2 * mss);
            _c.Words[Cwnd] = (uint)mss;
            _c.Words[InRecovery] = 0;
            _c.Words[DupAcks] = 0;
            _c.Words[Timing] = 0;   // Karn: no RTT sample from a retransmitted segment
            _c.Words[Rto] = (uint)((int)_c.Words[Rto] * 2 > MaximumRtoMs ? MaximumRtoMs : (int)_c.Words[Rto] * 2);

            // Go back to the oldest unacknowledged byte; Output resends from there.
            _c.Words[SndNxt] = _c.Words[SndUna];
            if (_c.Words[FinSent] != 0 && Seq.Le(_c.Words[SndUna], _c.Words[FinSeq]))
            {
                _c.Words[FinSent] = 0;
            }

            _c.Longs[RetransmittedSegments]++;
            _c.Longs[RetransmitAt] = 0;
            Output(now);
        }

        // RFC 6298 §2.
        private void SampleRtt(long r)
        {
            if (r < 1)
            {
                r = 1;
            }

            if ((int)_c.Words[Srtt] == 0)
            {
                _c.Words[Srtt] = (uint)r;
                _c.Words[Rttvar] = (uint)(r / 2);
            }
            else
            {
                long delta = (int)_c.Words[Srtt] > r ? (int)_c.Words[Srtt] - r : r - (int)_c.Words[Srtt];
                _c.Words[Rttvar] = (uint)((3 * (int)_c.Words[Rttvar] + delta) / 4);
                _c.Words[Srtt] = (uint)((7 * (int)_c.Words[Srtt] + r) / 8);
            }

            long rto = (int)_c.Words[Srtt] + (4 * (int)_c.Words[Rttvar] > 1 ? 4 * (int)_c.Words[Rttvar] : 1);
            _c.Words[Rto] = (uint)(rto < MinimumRtoMs ? MinimumRtoMs : rto > MaximumRtoMs ? MaximumRtoMs : rto);
        }

        /// <summary>Sends what the state, the windows and the buffers allow.</summary>
        private void Output(long now)
        {
            int mss = Mss();
            bool sent = false;
            if (State == TcpState.SynSent || State == TcpState.SynReceived)
            {
                if (_c.Words[SndNxt] == _c.Words[Iss])
                {
                    SendSyn(now);
                    sent = true;
                }
            }
            else if (State == TcpState.Established || State == TcpState.CloseWait || State == TcpState.FinWait1
                || State == TcpState.LastAck || State == TcpState.Closing)
            {
                int window = (int)(_c.Words[SndWnd] < _c.Words[Cwnd] ? _c.Words[SndWnd] : _c.Words[Cwnd]);
                while (true)
                {
                    int flight = (int)(_c.Words[SndNxt] - _c.Words[SndUna]);
                    int unsent = _send.Count - (int)(_c.Words[SndNxt] - _c.Words[SendRingSeq]);
                    if (unsent <= 0 || flight >= window)
                    {
                        break;
                    }

                    int length = unsent < mss ? unsent : mss;
                    if (length > window - flight)
                    {
                        length = window - flight;
                    }

                    SendSegment(_c.Words[SndNxt], length, false);
                    StartTiming(_c.Words[SndNxt], now);
                    _c.Words[SndNxt] += (uint)length;
                    NoteSent();
                    sent = true;
                    ArmRetransmit(now);
                }

                int remaining = _send.Count - (int)(_c.Words[SndNxt] - _c.Words[SendRingSeq]);
                if (_c.Words[FinQueued] != 0 && _c.Words[FinSent] == 0 && remaining <= 0)
                {
                    _c.Words[FinSeq] = _c.Words[SendRingSeq] + (uint)_send.Count;
                    _c.Words[SndNxt] = _c.Words[FinSeq];
                    SendSegment(_c.Words[FinSeq], 0, true);
                    _c.Words[SndNxt] = _c.Words[FinSeq] + 1;
                    NoteSent();
                    _c.Words[FinSent] = 1;
                    sent = true;
                    ArmRetransmit(now);
                }
                else if (_c.Words[SndWnd] == 0 && remaining > 0 && _c.Words[SndNxt] == _c.Words[SndUna] && _c.Longs[RetransmitAt] == 0)
                {
                    // Zero window: probe with one byte at RTO intervals (RFC 9293 §3.8.6.1).
                    SendSegment(_c.Words[SndNxt], 1, false);
                    _c.Words[SndNxt] += 1;
                    NoteSent();
                    sent = true;
                    ArmRetransmit(now);
                }
            }

            if (_c.Words[AckNeeded] != 0 && !sent && TcpState.IsSynchronized(State))
            {
                SendAck();
            }
        }

        private void SendSyn(long now)
        {
            byte flags = State == TcpState.SynSent ? TcpFlags.Syn : (byte)(TcpFlags.Syn | TcpFlags.Ack);
            PacketBuffer frame = _pod.Rent();
            if (frame == null)
            {
                ArmRetransmit(now);
                return;
            }

            Prepare(_c.Words[Iss], flags, 0);
            Out.MaximumSegmentSize = DefaultMss;
            Emit(frame, 0);
            _c.Words[SndNxt] = _c.Words[Iss] + 1;
            NoteSent();
            StartTiming(_c.Words[Iss], now);
            ArmRetransmit(now);
        }

        private void SendSegment(uint seq, int length, bool fin)
        {
            PacketBuffer frame = _pod.Rent();
            if (frame == null)
            {
                return; // the retransmission timer will try again
            }

            int payloadAt = frame.Offset + EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength + TcpPacket.MinimumHeaderLength;
            if (length > 0)
            {
                _send.Peek((int)(seq - _c.Words[SendRingSeq]), frame.Data, payloadAt, length);
            }

            byte flags = TcpFlags.Ack;
            if (fin)
            {
                flags |= TcpFlags.Fin;
            }
            else if (length > 0 && (int)(seq - _c.Words[SendRingSeq]) + length == _send.Count)
            {
                flags |= TcpFlags.Psh;
            }

            Prepare(seq, flags, length);
            Emit(frame, length);
        }

        private void SendAck()
        {
            SendControl(_c.Words[SndNxt], _c.Words[RcvNxt], TcpFlags.Ack);
        }

        private void SendControl(uint seq, uint ack, byte flags)
        {
            PacketBuffer frame = _pod.Rent();
            if (frame == null)
            {
                return;
            }

            Prepare(seq, flags, 0);
            Out.AcknowledgmentNumber = (flags & TcpFlags.Ack) != 0 ? ack : 0;
            Emit(frame, 0);
        }

        // The node's outgoing TCP header (shared: filled and emitted in one go, Prepare then Emit).
        private TcpRepr Out
        {
            get { return _pod.Node.TcpOut; }
        }

        private void Prepare(uint seq, byte flags, int length)
        {
            TcpRepr o = Out;
            o.SourcePort = LocalPort;
            o.DestinationPort = RemotePort;
            o.SequenceNumber = seq;
            o.AcknowledgmentNumber = (flags & TcpFlags.Ack) != 0 ? _c.Words[RcvNxt] : 0;
            o.Flags = flags;
            o.UrgentPointer = 0;
            o.MaximumSegmentSize = 0;
            o.WindowScale = TcpRepr.NoWindowScale;
            o.SackPermitted = false;
            o.HasTimestamps = false;
            o.PayloadLength = length;
            int window = _receive.Free > 65535 ? 65535 : _receive.Free;
            o.Window = (ushort)window;
        }

        private void Emit(PacketBuffer frame, int length)
        {
            TcpRepr o = Out;
            int tcpAt = frame.Offset + EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength;
            o.Emit(frame.Data, tcpAt, LocalAddress, RemoteAddress);
            if ((o.Flags & TcpFlags.Ack) != 0)
            {
                _c.Words[AckNeeded] = 0;
                _c.Words[AdvertisedWindow] = o.Window;
            }

            _c.Longs[SentSegments]++;
            _pod.SendIp(frame, IpProtocol.Tcp, LocalAddress, RemoteAddress, o.EmitHeaderLength() + length);
        }

        private void NoteSent()
        {
            if (Seq.Gt(_c.Words[SndNxt], _c.Words[SndMax]))
            {
                _c.Words[SndMax] = _c.Words[SndNxt];
            }
        }

        private void StartTiming(uint seq, long now)
        {
            if (_c.Words[Timing] == 0 && (int)_c.Words[Retransmissions] == 0)
            {
                _c.Words[Timing] = 1;
                _c.Words[TimedSeq] = seq;
                _c.Longs[TimedAt] = now;
            }
        }

        private void ArmRetransmit(long now)
        {
            if (_c.Longs[RetransmitAt] == 0)
            {
                _c.Longs[RetransmitAt] = now + (int)_c.Words[Rto];
            }
        }

        private bool FinAcked()
        {
            return _c.Words[FinSent] != 0 && Seq.Gt(_c.Words[SndUna], _c.Words[FinSeq]);
        }

        private bool WindowWorthAnnouncing()
        {
            // Receiver-side silly window avoidance (RFC 9293 §3.8.6.2.2): announce when the window
            // grew by a full segment or half the buffer.
            int free = _receive.Free;
            int growth = free - (int)_c.Words[AdvertisedWindow];
            return TcpState.IsSynchronized(State) && State != TcpState.TimeWait
                && growth > 0 && (growth >= Mss() || growth >= _receive.Capacity / 2);
        }

        private int Mss()
        {
            return (int)_c.Words[PeerMss] < DefaultMss ? (int)_c.Words[PeerMss] : DefaultMss;
        }

        private int SegmentLength(uint seq, int mss)
        {
            int remaining = _send.Count - (int)(seq - _c.Words[SendRingSeq]);
            if (remaining <= 0)
            {
                return 0;
            }

            return remaining < mss ? remaining : mss;
        }

        private void EnterTimeWait(long now)
        {
            _c.Longs[RetransmitAt] = 0;
            _c.Longs[TimeWaitUntil] = now + _pod.TimeWaitMs;
            _pod.OnTimeWait(this);
        }

        private void Terminate(int error)
        {
            Error = error;
            State = TcpState.Closed;
            if (_c != null)
            {
                _c.Longs[RetransmitAt] = 0;
            }

            _pod.CloseTcp(this);
        }
    }
}
