#nullable disable
using Edge.Dataplane.Agent;
using Edge.Dataplane.Boards;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Trust;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Workloads;

namespace Edge.NanoClr.Programs
{
    /// <summary>
    /// A control plane's end of a management line, speaking the board protocol with the
    /// dataplane's own codecs (Frame, StateCodec, StateDelta, Messages, SessionAuth): it sends
    /// what edgectl sends and writes each frame the board sends back, decoded, as a report line:
    /// "tcp&lt; ack generation 1 applied". Heartbeats are counted, and written when what they say
    /// changed. On a TCP line it holds a cluster key and does what edgectl's BoardClient does:
    /// on the board's Hello (trust field LineAuthenticate, the board's nonce) it sends AuthProof
    /// (its own nonce and HMAC(K, 1 || Nb || Nh)), checks the board's AuthOk, and from then on
    /// seals every frame it sends and opens every frame it reads. Nothing is sent on such a line
    /// before the handshake is through. The console line is trusted as it is: no key, no seal.
    /// </summary>
    public sealed class ControlPlane
    {
        private const int AwaitingHello = 0;
        private const int ProofSent = 1;
        private const int Established = 2;
        private const int Refused = 3;
        private const int Broken = 4;

        private readonly string _link;
        private readonly IByteStream _line;
        private readonly ILog _report;
        private readonly FrameReader _reader = new FrameReader(Frame.MaxPayload);
        private readonly PayloadReader _payload = new PayloadReader();
        private readonly PayloadWriter _writer = new PayloadWriter();
        private readonly byte[] _out = new byte[Frame.HeaderLength + Frame.MaxPayload + Frame.TrailerLength];
        private readonly int[] _received = new int[32];
        private string _lastHeartbeat = "";
        private string _execLine = "";
        private string _viewText = "";

        // The host's side of the handshake (null: a trusted line), its nonce source, and the nonces of this connection.
        private readonly SessionAuth _auth;
        private readonly Xorshift _random;
        private readonly byte[] _boardNonce = new byte[SessionAuth.NonceLength];
        private readonly byte[] _hostNonce = new byte[SessionAuth.NonceLength];
        private int _state;
        private int _lastFrameLength;

        public uint HelloGeneration;
        public uint AckGeneration;
        public string AckError;
        public uint HeartbeatGeneration;
        public int ExecExitCode = -1;
        public int InputCredit;
        public long FramesSent;

        /// <param name="link">How the report names this line: "tcp", "console".</param>
        public ControlPlane(string link, IByteStream line, ILog report)
        {
            _link = link;
            _line = line;
            _report = report;
        }

        /// <summary>A control plane on TCP holding a cluster key: it proves the key on the board's Hello and seals the session.</summary>
        /// <param name="clusterKey">The 32-byte cluster key.</param>
        /// <param name="seed">Its nonces' random source (the same seed gives the same run on both runtimes).</param>
        /// <param name="boardAddress">The address it dialled: its proofs are bound to it.</param>
        public ControlPlane(string link, IByteStream line, ILog report, byte[] clusterKey, uint seed, uint boardAddress)
            : this(link, line, report)
        {
            _auth = new SessionAuth(SessionAuth.Host, clusterKey, 0);
            _auth.Address = boardAddress;
            _random = new Xorshift(seed);
        }

        /// <summary>Whether the handshake is through (always, on a trusted line): frames can go.</summary>
        public bool Authenticated
        {
            get { return _auth == null || _state == Established; }
        }

        /// <summary>Why the board refused this control plane (AuthRefused), or null.</summary>
        public string Refusal;

        /// <summary>The id of the key this control plane holds, as edgectl prints it; "" on a trusted line.</summary>
        public string KeyId
        {
            get { return _auth == null ? "" : SessionAuth.Describe(_auth.KeyId); }
        }

        /// <summary>
        /// A copy of the frame just sent (a frame, not bytes of garbage), as an eavesdropper on the
        /// LAN would have captured it; call it right after the send, before the next one overwrites it.
        /// </summary>
        public byte[] CaptureLastFrame()
        {
            byte[] copy = new byte[_lastFrameLength];
            System.Array.Copy(_out, 0, copy, 0, _lastFrameLength);
            return copy;
        }

        /// <summary>Frames of this type the board sent on this line.</summary>
        public int Received(byte type)
        {
            return _received[type];
        }

        /// <summary>What the board sent on this line, by type: "hello 1, ack 3, heartbeat 4".</summary>
        public string Summary()
        {
            string text = "";
            for (int type = 0; type < _received.Length; type++)
            {
                if (_received[type] > 0)
                {
                    text += (text.Length == 0 ? "" : ", ") + MessageType.Name((byte)type) + " " + _received[type].ToString();
                }
            }

            return _link + ": the board sent " + (text.Length == 0 ? "nothing" : text) + "; " + FramesSent.ToString() + " frames sent to it";
        }

        public void Garbage(string text)
        {
            byte[] bytes = Ascii.Bytes(text);
            Write(bytes, bytes.Length);
            _report.Write(_link + "> " + bytes.Length.ToString() + " bytes that are not frames");
        }

        public void Snapshot(DesiredState state, ushort requestId)
        {
            Begin();
            StatePart.WriteHeader(_writer, state.Generation, 0, 0); // the state whole, in one part
            StateCodec.Encode(state, _writer);
            Send(MessageType.Snapshot, requestId, "snapshot generation " + state.Generation.ToString() + ": " + Describe(state));
        }

        public void Delta(uint baseGeneration, int flags, string[] removedServices, string[] removedDns, DesiredState changed, ushort requestId)
        {
            Begin();
            StatePart.WriteHeader(_writer, changed.Generation, 0, 0); // the delta whole, in one part
            StateDelta.Encode(baseGeneration, flags, removedServices, removedDns, changed, _writer);
            Send(MessageType.Delta, requestId, "delta " + baseGeneration.ToString() + " -> " + changed.Generation.ToString() + ": " + Describe(changed));
        }

        public void Exec(string ns, string pod, string[] args, ushort requestId)
        {
            Begin();
            _writer.String(ns);
            _writer.String(pod);
            _writer.Int(args.Length);
            string command = "";
            for (int i = 0; i < args.Length; i++)
            {
                _writer.String(args[i]);
                command += (i == 0 ? "" : " ") + args[i];
            }

            _writer.String(null);
            ExecExitCode = -1;
            Send(MessageType.ExecRequest, requestId, "exec in " + ns + "/" + pod + ": " + command);
        }

        /// <summary>kubectl port-forward's one connection: the board connects to the pod's own port and hands out credit for the input.</summary>
        public void PortForward(string ns, string pod, int port, ushort requestId)
        {
            Begin();
            _writer.String(ns);
            _writer.String(pod);
            _writer.Int(port);
            ExecExitCode = -1;
            InputCredit = 0;
            Send(MessageType.PortForwardRequest, requestId, "port-forward to " + ns + "/" + pod + ":" + port.ToString());
        }

        /// <summary>A forward's input, within the credit the board gave; empty text is the client's end.</summary>
        public void Input(ushort requestId, string text)
        {
            Begin();
            byte[] bytes = Ascii.Bytes(text);
            _writer.Raw(bytes, 0, bytes.Length);
            InputCredit -= bytes.Length;
            Send(MessageType.ExecInput, requestId, bytes.Length == 0 ? "exec-input: the end" : "exec-input " + bytes.Length.ToString() + " bytes");
        }

        /// <summary>Asks for Hello: as a plain frame before the handshake (a candidate connection may ask, and gets the same nonce), sealed after it.</summary>
        public void HelloRequest()
        {
            Begin();
            if (_auth != null && _state == AwaitingHello)
            {
                int length = Frame.Seal(_out, 0, MessageType.HelloRequest, 0, 0);
                Write(_out, length);
                FramesSent++;
                _report.Write(_link + "> hello-request, before the handshake (" + length.ToString() + " bytes)");
                return;
            }

            Send(MessageType.HelloRequest, 0, "hello-request");
        }

        /// <summary>Asks for a view (BoardSession.ViewIptables, ViewIpvs, ...).</summary>
        public void ViewRequest(int view, ushort requestId)
        {
            Begin();
            _writer.Int(view);
            _viewText = "";
            Send(MessageType.ViewRequest, requestId, "view-request " + view.ToString());
        }

        public void SettingsRequest(ushort requestId)
        {
            Begin();
            Send(MessageType.SettingsRequest, requestId, "settings-request");
        }

        /// <param name="keyAction">BoardSession.KeepKey, SetKey (the key in <paramref name="settings"/>) or ForgetKey, as edgectl board provision sends it.</param>
        public void SettingsUpdate(BoardSettings settings, bool restart, int keyAction, ushort requestId)
        {
            Begin();
            settings.Write(_writer);
            _writer.Bool(restart);
            _writer.Int(keyAction);
            string key = keyAction == BoardSession.SetKey ? ", set cluster " + settings.Cluster + "'s key" : keyAction == BoardSession.ForgetKey ? ", forget the cluster key" : ", keep the key";
            Send(MessageType.SettingsUpdate, requestId, "settings-update " + (settings.Name.Length == 0 ? "no name" : settings.Name) + ", " + settings.DescribeAddressing() + key + (restart ? ", then restart" : ""));
        }

        /// <summary>Takes every whole frame the board has sent and reports it.</summary>
        public void Poll()
        {
            while (true)
            {
                int n = _reader.ReadFrom(_line);
                bool any = false;
                while (_reader.Next())
                {
                    any = true;
                    Take();
                }

                if (n <= 0 && !any)
                {
                    return;
                }
            }
        }

        private void Take()
        {
            byte type = _reader.Type;
            if (_state == Broken)
            {
                return;
            }

            if (_auth != null && _state == Established)
            {
                // As BoardClient does: a frame that fails its MAC or sequence ends the session.
                if (!_auth.Open(_reader.Payload, _reader.PayloadOffset - Frame.HeaderLength, _reader.PayloadLength))
                {
                    _state = Broken;
                    Say(MessageType.Name(type) + " that failed its " + (_auth.BadMacs > 0 ? "MAC" : "sequence number") + ": the session is over");
                    return;
                }

                _reader.PayloadLength -= SessionAuth.TrailerLength;
            }

            _received[type]++;
            _payload.Begin(_reader.Payload, _reader.PayloadOffset, _reader.PayloadLength);
            switch (type)
            {
                case MessageType.Hello:
                    TakeHello();
                    break;

                case MessageType.AuthOk:
                    if (_auth == null || _state != ProofSent)
                    {
                        Say("auth-ok out of turn");
                        break;
                    }

                    if (_reader.PayloadLength != SessionAuth.ProofLength
                        || !_auth.Check(SessionAuth.Board, _boardNonce, 0, _hostNonce, 0, _reader.Payload, _reader.PayloadOffset))
                    {
                        _state = Refused;
                        Say("auth-ok with a wrong proof: this is not the board it says it is");
                        break;
                    }

                    _auth.Establish(_boardNonce, 0, _hostNonce, 0);
                    _state = Established;
                    Say("auth-ok: the board proved key " + KeyId + " on this control plane's nonce; every frame from here is sealed");
                    break;

                case MessageType.AuthRefused:
                    _state = Refused;
                    Refusal = _payload.String();
                    Say("auth-refused: " + Refusal);
                    break;

                case MessageType.ViewResponse:
                    {
                        bool more = _payload.Bool();
                        _viewText += Ascii.GetString(_reader.Payload, _reader.PayloadOffset + 1, _reader.PayloadLength - 1);
                        if (!more)
                        {
                            TakeView();
                        }

                        break;
                    }

                case MessageType.Ack:
                    AckGeneration = _payload.Varint();
                    AckError = _payload.String();
                    Say("ack " + (_reader.RequestId == 0 ? "" : "#" + _reader.RequestId.ToString() + " ") + "generation " + AckGeneration.ToString()
                        + (AckError == null ? " applied" : " refused: " + AckError));
                    break;

                case MessageType.Heartbeat:
                    TakeHeartbeat();
                    break;

                case MessageType.ExecOutput:
                    {
                        int stream = _payload.Byte();
                        int length = _reader.PayloadLength - 1;
                        TakeExecOutput(stream, Ascii.GetString(_reader.Payload, _reader.PayloadOffset + 1, length));
                        break;
                    }

                case MessageType.ExecInput:
                    {
                        int credit = (int)_payload.Varint();
                        InputCredit += credit;
                        Say("exec-input credit " + credit.ToString());
                        break;
                    }

                case MessageType.ExecExit:
                    if (_execLine.Length > 0)
                    {
                        Say("exec| " + _execLine);
                        _execLine = "";
                    }

                    ExecExitCode = _payload.Int();
                    Say("exec exit " + ExecExitCode.ToString() + ", " + _payload.Varint().ToString() + " bytes lost");
                    break;

                case MessageType.Settings:
                    {
                        BoardSettings kept = BoardSettings.Read(_payload);
                        string name = _payload.String();
                        uint address = _payload.Address();
                        string note = _payload.String();
                        uint keyId = _payload.Address();
                        Say("settings kept: " + (kept == null ? "damaged" : (kept.Name.Length == 0 ? "no name" : kept.Name) + ", " + kept.DescribeAddressing()
                            + ", cluster " + (kept.Cluster.Length == 0 ? "none" : kept.Cluster) + " (key " + SessionAuth.Describe(keyId) + (kept.Key == null ? ", not sent" : ", SENT") + ")")
                            + "; runs as " + name + " at " + Ipv4Address.Format(address) + (note == null ? "" : " (" + note + ")"));
                        break;
                    }

                default:
                    Say(MessageType.Name(type) + " (" + _reader.PayloadLength.ToString() + " bytes)");
                    break;
            }
        }

        // Hello: who the board is, then (after the fields older hosts stop before) how this line is trusted.
        private void TakeHello()
        {
            string name = _payload.String();
            string firmware = _payload.String();
            uint address = _payload.Address();
            int vxlanPort = _payload.Int();
            HelloGeneration = _payload.Varint();
            int maxPods = _payload.Int();
            int maxPayload = _payload.Int();
            string text = "hello " + name + " firmware " + firmware + " at " + Ipv4Address.Format(address) + " vxlan " + vxlanPort.ToString()
                + " generation " + HelloGeneration.ToString() + " max-pods " + maxPods.ToString() + " max-payload " + maxPayload.ToString();
            int trust = -1;
            string cluster = null;
            uint keyId = 0;
            bool nonce = false;
            if (!_payload.AtEnd)
            {
                trust = _payload.Int();
                cluster = _payload.String();
                keyId = _payload.Address();
                nonce = trust == Messages.LineAuthenticate && _payload.Raw(_boardNonce, 0, SessionAuth.NonceLength);
            }

            string board = "cluster " + (cluster == null ? "none" : cluster) + " key " + SessionAuth.Describe(keyId);
            if (trust == Messages.LineTrusted)
            {
                text += "; trusted line (" + board + ")";
            }
            else if (trust == Messages.LineAuthenticate)
            {
                text += "; prove " + board + (nonce ? " on nonce " + SessionAuth.Describe(NetworkOrder.ReadU32(_boardNonce, 0)) + "..." : ", but no nonce");
            }
            else if (trust == Messages.LineNoKey)
            {
                text += "; no cluster key: takes no control plane on the network";
            }
            else
            {
                text += "; no trust field";
            }

            Say(text);
            if (_auth != null && _state == AwaitingHello && nonce)
            {
                Prove(); // a second Hello (asked for before the first came) carries the same nonce: one proof
            }
        }

        // AuthProof: a fresh host nonce Nh, then HMAC(K, 1 || Nb || Nh); sent as a plain frame (nothing is sealed before AuthOk).
        private void Prove()
        {
            for (int i = 0; i < SessionAuth.NonceLength; i += 4)
            {
                NetworkOrder.WriteU32(_hostNonce, i, _random.NextUInt32());
            }

            Begin();
            System.Array.Copy(_hostNonce, 0, _out, Frame.HeaderLength, SessionAuth.NonceLength);
            _auth.Prove(SessionAuth.Host, _boardNonce, 0, _hostNonce, 0, _out, Frame.HeaderLength + SessionAuth.NonceLength);
            int length = Frame.Seal(_out, 0, MessageType.AuthProof, 0, SessionAuth.NonceLength + SessionAuth.ProofLength);
            _lastFrameLength = length;
            Write(_out, length);
            FramesSent++;
            _state = ProofSent;
            _report.Write(_link + "> auth-proof with key " + KeyId + " on nonce " + SessionAuth.Describe(NetworkOrder.ReadU32(_boardNonce, 0)) + "... (" + length.ToString() + " bytes)");
        }

        // A view: its line count and first line.
        private void TakeView()
        {
            int lines = 0;
            int firstEnd = -1;
            for (int i = 0; i < _viewText.Length; i++)
            {
                if (_viewText[i] == '\n')
                {
                    lines++;
                    if (firstEnd < 0)
                    {
                        firstEnd = i;
                    }
                }
            }

            Say("view #" + _reader.RequestId.ToString() + ": " + lines.ToString() + " lines, the first \"" + (firstEnd < 0 ? _viewText : _viewText.Substring(0, firstEnd)) + "\"");
            _viewText = "";
        }

        private void TakeHeartbeat()
        {
            HeartbeatGeneration = _payload.Varint();
            int pods = _payload.Int();
            string text = "generation " + HeartbeatGeneration.ToString() + ":";
            for (int i = 0; i < pods; i++)
            {
                string ns = _payload.String();
                string name = _payload.String();
                _payload.String(); // uid
                int phase = _payload.Int();
                string reason = _payload.String();
                _payload.String(); // message
                text += (i == 0 ? " " : ", ") + ns + "/" + name + " " + PodPhase.Name(phase) + (reason == null || reason.Length == 0 ? "" : " (" + reason + ")");
            }

            text += (pods == 0 ? " no pods" : "") + "; drops " + _payload.Varint().ToString();
            if (text != _lastHeartbeat)
            {
                Say("heartbeat " + text);
                _lastHeartbeat = text;
            }
        }

        // Output arrives in chunks that split lines anywhere: report whole lines.
        private void TakeExecOutput(int stream, string text)
        {
            string pending = _execLine + text;
            int start = 0;
            for (int i = 0; i < pending.Length; i++)
            {
                if (pending[i] == '\n')
                {
                    string line = pending.Substring(start, i - start);
                    Say((stream == 2 ? "exec! " : "exec| ") + (line.Length > 0 && line[line.Length - 1] == '\r' ? line.Substring(0, line.Length - 1) : line));
                    start = i + 1;
                }
            }

            _execLine = pending.Substring(start);
        }

        private static string Describe(DesiredState s)
        {
            string pods = "";
            for (int i = 0; i < s.Pods.Length; i++)
            {
                pods += (i == 0 ? "" : ", ") + s.Pods[i].Name + " (" + s.Pods[i].Image + ")";
            }

            return s.Pods.Length.ToString() + " pods" + (s.Pods.Length == 0 ? "" : " [" + pods + "]") + ", " + s.Services.Length.ToString() + " services";
        }

        private void Begin()
        {
            // A sealed frame's sequence number and MAC come after the body.
            _writer.Begin(_out, Frame.HeaderLength, _out.Length - Frame.TrailerLength - (_auth != null ? SessionAuth.TrailerLength : 0));
        }

        private void Send(byte type, ushort requestId, string what)
        {
            if (!Authenticated)
            {
                _report.Write(_link + "> " + what + ": not sent, the line has not authenticated (" + (_state == Refused ? "refused" : _state == Broken ? "session over" : "handshake not through") + ")");
                return;
            }

            int length = _auth != null ? _auth.Seal(_out, 0, type, requestId, _writer.Length) : Frame.Seal(_out, 0, type, requestId, _writer.Length);
            _lastFrameLength = length;
            Write(_out, length);
            FramesSent++;
            _report.Write(_link + "> " + what + (_auth != null ? ", sealed" : "") + " (" + length.ToString() + " bytes)");
        }

        private void Write(byte[] bytes, int length)
        {
            int sent = 0;
            while (sent < length)
            {
                int n = _line.Write(bytes, sent, length - sent);
                if (n <= 0)
                {
                    _report.Write(_link + "> the line took " + sent.ToString() + " of " + length.ToString() + " bytes");
                    return;
                }

                sent += n;
            }
        }

        private void Say(string line)
        {
            _report.Write(_link + "< " + line);
        }
    }
}
