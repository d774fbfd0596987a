using Edge.Dataplane.Wire;

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
        private readonly TcpRepr _out;
        private ByteRing _send;
        private ByteRing _receive;

        public int State;
        public int Error;
        public uint LocalAddress;
        public ushort LocalPort;
        public uint RemoteAddress;
        public ushort RemotePort;

        // Send sequence space (RFC 9293 §3.3.1).
        private uint _iss;
        private uint _sndUna;
        private uint _sndNxt;
        private uint _sndMax;        // highest sequence sent: after a timeout _sndNxt goes back, this does not
        private uint _sndWnd;
        private uint _sndWl1;
        private uint _sndWl2;
        private uint _sendRingSeq;   // sequence number of the first byte in _send
        private int _peerMss = 536;  // RFC 9293 §3.7.1 default

        // Receive sequence space.
        private uint _irs;
        private uint _rcvNxt;
        private int _advertisedWindow;

        // Closing.
        private bool _finQueued;
        private bool _finSent;
        private uint _finSeq;
        private bool _peerFin;
        private long _timeWaitUntil;

        // Retransmission (RFC 6298) and congestion control (RFC 5681).
        private long _srtt;
        private long _rttvar;
        private long _rto = InitialRtoMs;
        private long _retransmitAt;
        private int _retransmissions;
        private bool _timing;
        private uint _timedSeq;
        private long _timedAt;
        private int _cwnd;
        private int _ssthresh = 65535;
        private int _dupAcks;
        private bool _inRecovery;
        private uint _recover;
        private bool _ackNeeded;

        // Listener and accept queue.
        internal TcpSocket Parent;
        internal bool Accepted;
        internal int Backlog;
        internal long CreatedAt;

        public long SegmentsSent;
        public long SegmentsReceived;
        public long Retransmits;
        public long BytesSent;
        public long BytesReceived;

        internal TcpSocket(PodSandbox pod)
        {
            _pod = pod;
            _out = pod.Node.TcpOut; // shared: filled and emitted in one go (Prepare, Emit)
        }

        internal void Open(int sendBuffer, int receiveBuffer)
        {
            if (_send == null || _send.Capacity != sendBuffer)
            {
                _send = new ByteRing(sendBuffer);
            }

            if (_receive == null || _receive.Capacity != receiveBuffer)
            {
                _receive = new ByteRing(receiveBuffer);
            }

            _send.Clear();
            _receive.Clear();
            State = TcpState.Closed;
            Error = TcpError.None;
            _finQueued = false;
            _finSent = false;
            _peerFin = false;
            _srtt = 0;
            _rttvar = 0;
            _rto = InitialRtoMs;
            _retransmitAt = 0;
            _retransmissions = 0;
            _timing = false;
            _cwnd = 3 * DefaultMss;
            _ssthresh = 65535;
            _dupAcks = 0;
            _inRecovery = false;
            _ackNeeded = false;
            _peerMss = 536;
            Parent = null;
            Accepted = false;
            Backlog = 0;
            SegmentsSent = SegmentsReceived = Retransmits = BytesSent = BytesReceived = 0;
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

        /// <summary>Room in the send buffer.</summary>
        public int SendSpace
        {
            get { return _finQueued ? 0 : _send.Free; }
        }

        /// <summary>The peer closed its side and every byte it sent has been read.</summary>
        public bool EndOfStream
        {
            get { return _peerFin && _receive.Count == 0; }
        }

        /// <summary>Queues bytes to send; returns how many fitted (0 when the buffer is full or the socket cannot send).</summary>
        public int Send(byte[] data, int offset, int length)
        {
            if (_finQueued || !(State == TcpState.Established || State == TcpState.CloseWait || State == TcpState.SynSent || State == TcpState.SynReceived))
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
                _ackNeeded = true;
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
                    _finQueued = true;
                    State = TcpState.FinWait1;
                    Output(_pod.Now);
                    return;
                case TcpState.CloseWait:
                    _finQueued = true;
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
                SendControl(_sndNxt, 0, TcpFlags.Rst | TcpFlags.Ack);
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
        internal bool Transparent;

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
            _iss = iss;
            _sndUna = iss;
            _sndNxt = iss;
            _sndMax = iss;
            _sendRingSeq = iss + 1;
            _sndWnd = 1;
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
            _irs = syn.SequenceNumber;
            _rcvNxt = syn.SequenceNumber + 1;
            _iss = iss;
            _sndUna = iss;
            _sndNxt = iss;
            _sndMax = iss;
            _sendRingSeq = iss + 1;
            _sndWnd = syn.Window;
            _sndWl1 = syn.SequenceNumber;
            _sndWl2 = 0;
            if (syn.MaximumSegmentSize != 0)
            {
                _peerMss = syn.MaximumSegmentSize;
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
            return State != TcpState.Listen && State != TcpState.Closed && LocalPort == localPort && RemotePort == remotePort
                && RemoteAddress == remote && LocalAddress == local;
        }

        /// <summary>Processes one segment for this connection (RFC 9293 §3.10.7).</summary>
        internal void Input(TcpRepr seg, byte[] data, long now)
        {
            SegmentsReceived++;
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
                if (seg.SequenceNumber == _rcvNxt)
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
                if (Seq.Gt(seg.AcknowledgmentNumber, _sndUna) && Seq.Le(seg.AcknowledgmentNumber, _sndNxt))
                {
                    State = TcpState.Established;
                    _sndWnd = seg.Window;
                    _sndWl1 = seg.SequenceNumber;
                    _sndWl2 = seg.AcknowledgmentNumber;
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
            if (seg.HasFlag(TcpFlags.Fin) && seg.SequenceNumber + (uint)seg.PayloadLength == _rcvNxt && !_peerFin)
            {
                _peerFin = true;
                _rcvNxt++;
                _ackNeeded = true;
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
                _ackNeeded = true; // a retransmitted FIN: ACK it again and restart the wait
                EnterTimeWait(now);
            }

            Output(now);
        }

        /// <summary>Timers: retransmission, zero-window probe, TIME-WAIT; and anything waiting to go out.</summary>
        internal void Poll(long now)
        {
            if (State == TcpState.TimeWait)
            {
                if (now >= _timeWaitUntil)
                {
                    Terminate(TcpError.None);
                }

                return;
            }

            if (State == TcpState.Closed || State == TcpState.Listen)
            {
                return;
            }

            if (_retransmitAt != 0 && now >= _retransmitAt)
            {
                OnRetransmitTimeout(now);
            }

            if (WindowWorthAnnouncing())
            {
                _ackNeeded = true;
            }

            Output(now);
        }

        internal int TimeWaitRemaining(long now)
        {
            return State == TcpState.TimeWait ? (int)(_timeWaitUntil - now) : 0;
        }

        private void InputSynSent(TcpRepr seg, long now)
        {
            bool ackOk = seg.HasFlag(TcpFlags.Ack) && Seq.Gt(seg.AcknowledgmentNumber, _iss) && Seq.Le(seg.AcknowledgmentNumber, _sndNxt);
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

            _irs = seg.SequenceNumber;
            _rcvNxt = seg.SequenceNumber + 1;
            if (seg.MaximumSegmentSize != 0)
            {
                _peerMss = seg.MaximumSegmentSize;
            }

            State = TcpState.Established;
            _sndWnd = seg.Window;
            _sndWl1 = seg.SequenceNumber;
            _sndWl2 = seg.AcknowledgmentNumber;
            ProcessAck(seg, now);
            _ackNeeded = true;
            Output(now);
        }

        // RFC 9293 §3.10.7.4 acceptability test.
        private bool Acceptable(uint seq, int segLength)
        {
            int window = _receive.Free;
            if (segLength == 0)
            {
                return window == 0 ? seq == _rcvNxt : Seq.Le(_rcvNxt, seq) && Seq.Lt(seq, _rcvNxt + (uint)window);
            }

            if (window == 0)
            {
                return false;
            }

            uint last = seq + (uint)segLength - 1;
            return (Seq.Le(_rcvNxt, seq) && Seq.Lt(seq, _rcvNxt + (uint)window))
                || (Seq.Le(_rcvNxt, last) && Seq.Lt(last, _rcvNxt + (uint)window));
        }

        // Returns false when the segment must be dropped here.
        private bool ProcessAck(TcpRepr seg, long now)
        {
            uint ack = seg.AcknowledgmentNumber;
            if (Seq.Gt(ack, _sndMax))
            {
                SendAck(); // acknowledges something not yet sent
                return false;
            }

            bool windowChanged = false;
            if (Seq.Lt(_sndWl1, seg.SequenceNumber) || (_sndWl1 == seg.SequenceNumber && Seq.Le(_sndWl2, ack)))
            {
                windowChanged = _sndWnd != seg.Window;
                _sndWnd = seg.Window;
                _sndWl1 = seg.SequenceNumber;
                _sndWl2 = ack;
            }

            if (Seq.Gt(ack, _sndUna))
            {
                int acked = (int)(ack - _sndUna);
                if (_timing && Seq.Gt(ack, _timedSeq))
                {
                    SampleRtt(now - _timedAt);
                    _timing = false;
                }

                // Drop the acknowledged bytes (SYN and FIN take sequence space but no buffer).
                int ringBytes = (int)(ack - _sendRingSeq);
                if (ringBytes > 0)
                {
                    int discarded = _send.Discard(ringBytes);
                    _sendRingSeq += (uint)discarded;
                    BytesSent += discarded;
                }

                _sndUna = ack;
                if (Seq.Lt(_sndNxt, _sndUna))
                {
                    _sndNxt = _sndUna; // what we went back to resend has arrived after all
                }

                _retransmissions = 0;
                _retransmitAt = _sndUna == _sndMax ? 0 : now + _rto;
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
            else if (ack == _sndUna && seg.Window == 0 && _sndMax != _sndUna)
            {
                _retransmissions = 0; // the peer answers our zero-window probes: it is alive, just full
            }
            else if (ack == _sndUna && seg.PayloadLength == 0 && !seg.HasFlag(TcpFlags.Fin) && !windowChanged && _sndMax != _sndUna)
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
            if (Seq.Lt(seq, _rcvNxt))
            {
                int skip = (int)(_rcvNxt - seq); // already have the front: trim it
                if (skip >= length)
                {
                    _ackNeeded = true;
                    return;
                }

                offset += skip;
                length -= skip;
                seq = _rcvNxt;
            }

            if (seq != _rcvNxt)
            {
                SendAck(); // out of order: a duplicate ACK tells the sender what is missing
                return;
            }

            int accepted = _receive.Write(data, offset, length);
            _rcvNxt += (uint)accepted;
            BytesReceived += accepted;
            _ackNeeded = true;
        }

        private void OnNewAck(int acked, uint ack)
        {
            int mss = Mss();
            if (_inRecovery)
            {
                if (Seq.Ge(ack, _recover))
                {
                    _inRecovery = false;
                    _cwnd = _ssthresh; // deflate (RFC 5681 §3.2 step 6)
                }
                else
                {
                    SendSegment(_sndUna, SegmentLength(_sndUna, mss), false); // NewReno partial ACK (RFC 6582)
                    _cwnd = _cwnd - acked + mss > mss ? _cwnd - acked + mss : mss;
                }
            }
            else if (_cwnd < _ssthresh)
            {
                _cwnd += acked < mss ? acked : mss;   // slow start
            }
            else
            {
                _cwnd += mss * mss / (_cwnd > 0 ? _cwnd : 1); // congestion avoidance
            }

            _dupAcks = 0;
            if (_cwnd > 4 * 65535)
            {
                _cwnd = 4 * 65535;
            }
        }

        private void OnDuplicateAck(long now)
        {
            _dupAcks++;
            int mss = Mss();
            if (_dupAcks == 3 && !_inRecovery)
            {
                int flight = (int)(_sndMax - _sndUna);
                _ssthresh = flight / 2 > 2 * mss ? flight / 2 : 2 * mss;
                _cwnd = _ssthresh + 3 * mss;
                _inRecovery = true;
                _recover = _sndMax;
                _timing = false;
                SendSegment(_sndUna, SegmentLength(_sndUna, mss), false);
                Retransmits++;
                _retransmitAt = now + _rto;
            }
            else if (_inRecovery)
            {
                _cwnd += mss; // each further duplicate means a segment left the network
            }
        }

        private void OnRetransmitTimeout(long now)
        {
            _retransmissions++;
            int limit = State == TcpState.SynSent || State == TcpState.SynReceived ? MaximumSynRetransmissions : MaximumRetransmissions;
            if (_retransmissions > limit)
            {
                if (State != TcpState.SynSent)
                {
                    SendControl(_sndNxt, _rcvNxt, TcpFlags.Rst | TcpFlags.Ack);
                }

                Terminate(TcpError.TimedOut);
                return;
            }

            int mss = Mss();
            int flight = (int)(_sndMax - _sndUna);
            _ssthresh = flight / 2 > 2 * mss ? flight / 2 : 2 * mss;
            _cwnd = mss;
            _inRecovery = false;
            _dupAcks = 0;
            _timing = false;   // Karn: no RTT sample from a retransmitted segment
            _rto = _rto * 2 > MaximumRtoMs ? MaximumRtoMs : _rto * 2;

            // Go back to the oldest unacknowledged byte; Output resends from there.
            _sndNxt = _sndUna;
            if (_finSent && Seq.Le(_sndUna, _finSeq))
            {
                _finSent = false;
            }

            Retransmits++;
            _retransmitAt = 0;
            Output(now);
        }

        // RFC 6298 §2.
        private void SampleRtt(long r)
        {
            if (r < 1)
            {
                r = 1;
            }

            if (_srtt == 0)
            {
                _srtt = r;
                _rttvar = r / 2;
            }
            else
            {
                long delta = _srtt > r ? _srtt - r : r - _srtt;
                _rttvar = (3 * _rttvar + delta) / 4;
                _srtt = (7 * _srtt + r) / 8;
            }

            long rto = _srtt + (4 * _rttvar > 1 ? 4 * _rttvar : 1);
            _rto = rto < MinimumRtoMs ? MinimumRtoMs : rto > MaximumRtoMs ? MaximumRtoMs : rto;
        }

        /// <summary>Sends what the state, the windows and the buffers allow.</summary>
        private void Output(long now)
        {
            int mss = Mss();
            bool sent = false;
            if (State == TcpState.SynSent || State == TcpState.SynReceived)
            {
                if (_sndNxt == _iss)
                {
                    SendSyn(now);
                    sent = true;
                }
            }
            else if (State == TcpState.Established || State == TcpState.CloseWait || State == TcpState.FinWait1
                || State == TcpState.LastAck || State == TcpState.Closing)
            {
                int window = (int)(_sndWnd < (uint)_cwnd ? _sndWnd : (uint)_cwnd);
                while (true)
                {
                    int flight = (int)(_sndNxt - _sndUna);
                    int unsent = _send.Count - (int)(_sndNxt - _sendRingSeq);
                    if (unsent <= 0 || flight >= window)
                    {
                        break;
                    }

                    int length = unsent < mss ? unsent : mss;
                    if (length > window - flight)
                    {
                        length = window - flight;
                    }

                    SendSegment(_sndNxt, length, false);
                    StartTiming(_sndNxt, now);
                    _sndNxt += (uint)length;
                    NoteSent();
                    sent = true;
                    ArmRetransmit(now);
                }

                int remaining = _send.Count - (int)(_sndNxt - _sendRingSeq);
                if (_finQueued && !_finSent && remaining <= 0)
                {
                    _finSeq = _sendRingSeq + (uint)_send.Count;
                    _sndNxt = _finSeq;
                    SendSegment(_finSeq, 0, true);
                    _sndNxt = _finSeq + 1;
                    NoteSent();
                    _finSent = true;
                    sent = true;
                    ArmRetransmit(now);
                }
                else if (_sndWnd == 0 && remaining > 0 && _sndNxt == _sndUna && _retransmitAt == 0)
                {
                    // Zero window: probe with one byte at RTO intervals (RFC 9293 §3.8.6.1).
                    SendSegment(_sndNxt, 1, false);
                    _sndNxt += 1;
                    NoteSent();
                    sent = true;
                    ArmRetransmit(now);
                }
            }

            if (_ackNeeded && !sent && TcpState.IsSynchronized(State))
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

            Prepare(_iss, flags, 0);
            _out.MaximumSegmentSize = DefaultMss;
            Emit(frame, 0);
            _sndNxt = _iss + 1;
            NoteSent();
            StartTiming(_iss, now);
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
                _send.Peek((int)(seq - _sendRingSeq), frame.Data, payloadAt, length);
            }

            byte flags = TcpFlags.Ack;
            if (fin)
            {
                flags |= TcpFlags.Fin;
            }
            else if (length > 0 && (int)(seq - _sendRingSeq) + length == _send.Count)
            {
                flags |= TcpFlags.Psh;
            }

            Prepare(seq, flags, length);
            Emit(frame, length);
        }

        private void SendAck()
        {
            SendControl(_sndNxt, _rcvNxt, TcpFlags.Ack);
        }

        private void SendControl(uint seq, uint ack, byte flags)
        {
            PacketBuffer frame = _pod.Rent();
            if (frame == null)
            {
                return;
            }

            Prepare(seq, flags, 0);
            _out.AcknowledgmentNumber = (flags & TcpFlags.Ack) != 0 ? ack : 0;
            Emit(frame, 0);
        }

        private void Prepare(uint seq, byte flags, int length)
        {
            _out.SourcePort = LocalPort;
            _out.DestinationPort = RemotePort;
            _out.SequenceNumber = seq;
            _out.AcknowledgmentNumber = (flags & TcpFlags.Ack) != 0 ? _rcvNxt : 0;
            _out.Flags = flags;
            _out.UrgentPointer = 0;
            _out.MaximumSegmentSize = 0;
            _out.WindowScale = TcpRepr.NoWindowScale;
            _out.SackPermitted = false;
            _out.HasTimestamps = false;
            _out.PayloadLength = length;
            int window = _receive.Free > 65535 ? 65535 : _receive.Free;
            _out.Window = (ushort)window;
        }

        private void Emit(PacketBuffer frame, int length)
        {
            int tcpAt = frame.Offset + EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength;
            _out.Emit(frame.Data, tcpAt, LocalAddress, RemoteAddress);
            if ((_out.Flags & TcpFlags.Ack) != 0)
            {
                _ackNeeded = false;
                _advertisedWindow = _out.Window;
            }

            SegmentsSent++;
            _pod.SendIp(frame, IpProtocol.Tcp, LocalAddress, RemoteAddress, _out.EmitHeaderLength() + length);
        }

        private void NoteSent()
        {
            if (Seq.Gt(_sndNxt, _sndMax))
            {
                _sndMax = _sndNxt;
            }
        }

        private void StartTiming(uint seq, long now)
        {
            if (!_timing && _retransmissions == 0)
            {
                _timing = true;
                _timedSeq = seq;
                _timedAt = now;
            }
        }

        private void ArmRetransmit(long now)
        {
            if (_retransmitAt == 0)
            {
                _retransmitAt = now + _rto;
            }
        }

        private bool FinAcked()
        {
            return _finSent && Seq.Gt(_sndUna, _finSeq);
        }

        private bool WindowWorthAnnouncing()
        {
            // Receiver-side silly window avoidance (RFC 9293 §3.8.6.2.2): announce when the window
            // grew by a full segment or half the buffer.
            int free = _receive.Free;
            int growth = free - _advertisedWindow;
            return TcpState.IsSynchronized(State) && State != TcpState.TimeWait
                && growth > 0 && (growth >= Mss() || growth >= _receive.Capacity / 2);
        }

        private int Mss()
        {
            return _peerMss < DefaultMss ? _peerMss : DefaultMss;
        }

        private int SegmentLength(uint seq, int mss)
        {
            int remaining = _send.Count - (int)(seq - _sendRingSeq);
            if (remaining <= 0)
            {
                return 0;
            }

            return remaining < mss ? remaining : mss;
        }

        private void EnterTimeWait(long now)
        {
            _retransmitAt = 0;
            _timeWaitUntil = now + _pod.TimeWaitMs;
            _pod.OnTimeWait(this);
        }

        private void Terminate(int error)
        {
            Error = error;
            State = TcpState.Closed;
            _retransmitAt = 0;
            _pod.CloseTcp(this);
        }
    }
}
