using Edge.Dataplane.Boards;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Policy.Views;
using Edge.Dataplane.Proxy.Views;
using Edge.Dataplane.Text;
using Edge.Dataplane.Trust;

namespace Edge.Dataplane.Agent
{
    /// <summary>
    /// The board's side of the management protocol. On attach it says Hello (with the
    /// generation it has applied: 0 after a reboot, so the host resyncs it); it applies
    /// Snapshots and Deltas (in parts when larger than its frame, <see cref="StatePart"/>) and
    /// acknowledges each generation; it sends a Heartbeat every second with the
    /// pods' states; it answers view requests (iptables, ipvs, conntrack); and it runs one
    /// exec at a time in a pod, streaming the tool's output. Garbage on the line costs at most
    /// the frame it hit. On a line that authenticated (TCP, <see cref="ControlPlaneLine"/>) every
    /// frame carries a MAC and a sequence number both ways (<see cref="SessionAuth"/>); one that
    /// fails ends the session, and a state's TLS private keys arrive encrypted under the session
    /// key (<see cref="TlsCodec"/>). The console UART is trusted as it is: physical access.
    /// </summary>
    public sealed class BoardSession : ITextSink
    {
        public const int HeartbeatMs = 1000;

        public const int ViewIptables = 1;
        public const int ViewIpvs = 2;
        public const int ViewConntrack = 3;
        public const int ViewPolicy = 4;

        /// <summary>The flow events after a sequence number (the request's second field; 0: all the ring holds).</summary>
        public const int ViewFlows = 5;

        /// <summary>The packet tracer's hops on this board (TraceView), after a TraceStart.</summary>
        public const int ViewTrace = 6;

        private const int ChunkBytes = 1024;
        private ushort _viewRequest;
        private const string NoStorage = "this board keeps no settings (a virtual board without --state)";
        private readonly NodeAgent _agent;
        private readonly NodeConfigIdentity _identity;
        private readonly FrameReader _reader;
        private readonly PayloadWriter _writer = new PayloadWriter();
        private readonly PayloadReader _payload = new PayloadReader();

        // A state arriving in parts: its decode's cursor, kept between their frames.
        private readonly StateReceiver _incoming;

        // An exec and a capture are made when asked for and let go when they end, with their
        // rings (4 KiB of output for an exec, 8 KiB of pcap for a capture): a board returns to
        // its budget after an `edgectl exec` or a capture, and holds neither while idle.
        private ExecRun _exec;
        private CaptureSink _capture;
        private ushort _captureRequest;
        private bool _capturing;

        // The frame being written: in the frame reader's buffer, one buffer for the frames both
        // ways (a small board has no room for a second, 1,320 bytes on a WROOM board). A handler
        // reads its request before it answers, so the answer goes over the frame it answers; only
        // while the reader holds part of another frame does a frame get a buffer of its own (Begin).
        private byte[] _out;
        private IByteStream _stream;
        private long _nextHeartbeat;

        // The session's authentication: the board's SessionAuth while an authenticated line holds
        // the session, null on the console.
        private SessionAuth _auth;

        private SessionAuth _trust;

        /// <summary>
        /// The board's cluster key in use (null: it has none); set by the loop from the kept
        /// settings. Its proofs are bound to this board's address.
        /// </summary>
        public SessionAuth Trust
        {
            get { return _trust; }
            set
            {
                _trust = value;
                if (value != null)
                {
                    value.Address = _identity.Address;
                }
            }
        }

        /// <summary>The cluster the board belongs to, "" for none (Hello says it; refusals name it).</summary>
        public string Cluster = "";

        /// <summary>Authenticated sessions ended because a frame failed its MAC or came out of sequence.</summary>
        public long SessionsBroken;

        // A claim session (a board with no key, on the network): nothing served but its settings and a key.
        private bool _claim;

        /// <summary>Where the board keeps its provisioned settings (flash on a board, a file for a virtual one); null: none.</summary>
        public IStorage Storage;

        /// <summary>Set when the host asked the board to restart into new settings: the firmware restarts once the Ack is out.</summary>
        public bool RestartRequested;

        public long SnapshotsApplied;
        public long SnapshotsRefused;

        /// <summary>Frames taken from hosts since boot (a console UART never hangs up: this says a host has spoken on it).</summary>
        public long FramesReceived;

        public BoardSession(NodeAgent agent, NodeConfigIdentity identity)
        {
            _agent = agent;
            _identity = identity;
            _reader = new FrameReader(identity.MaxPayload, identity.MaxOutPayload);
            _incoming = new StateReceiver(identity.MaxPayload);
        }

        public bool Attached
        {
            get { return _stream != null; }
        }

        /// <summary>Bytes on the management lines that were not frames (boot messages, noise, damaged frames) and were skipped.</summary>
        public long GarbageBytes
        {
            get { return _reader.GarbageBytes; }
        }

        /// <summary>Whether the session is a claim (a board with no key taking one on the network).</summary>
        public bool Claiming
        {
            get { return _claim; }
        }

        /// <summary>Whether the session's line authenticated (its frames carry MACs).</summary>
        public bool Authenticated
        {
            get { return _auth != null; }
        }

        /// <summary>A trusted line opened (the console UART, a test's in-memory line): say who we are.</summary>
        public void Attach(IByteStream stream, long now)
        {
            Start(stream, now);
            SayHello();
        }

        /// <summary>
        /// A line whose host proved the cluster key on <paramref name="boardNonce"/> (checked by
        /// <see cref="ControlPlaneLine"/>): the board proves it back (AuthOk) and from here every
        /// frame both ways is sealed under the session key. Hello went out before the proof.
        /// </summary>
        public void AttachAuthenticated(IByteStream stream, long now, byte[] boardNonce, byte[] hostNonce)
        {
            Start(stream, now);
            Begin();
            Trust.Prove(SessionAuth.Board, boardNonce, 0, hostNonce, 0, _out, Frame.HeaderLength);
            _writer.Position += SessionAuth.ProofLength;
            Send(MessageType.AuthOk, 0);
            if (_stream == null)
            {
                return; // the line went while the proof was sent: no session to seal
            }

            Trust.Establish(boardNonce, 0, hostNonce, 0);
            _auth = Trust;
        }

        /// <summary>
        /// A claim on a board with no key (<see cref="MessageType.Claim"/>): the line may read the
        /// board's settings and give it a cluster key, nothing else; acknowledged at once.
        /// </summary>
        public void AttachClaim(IByteStream stream, long now, ushort requestId)
        {
            Start(stream, now);
            _claim = true;
            Begin();
            Messages.WriteAck(_writer, _agent.AppliedGeneration, null);
            Send(MessageType.Ack, requestId);
        }

        /// <summary>Says Hello on a line that has not taken the session (a connection still to authenticate), with how it must.</summary>
        public void SayHelloOn(IByteStream line, int trust, byte[] nonce)
        {
            Begin();
            WriteHello(trust, nonce);
            SendOn(line, MessageType.Hello, 0, false);
        }

        /// <summary>Tells a line that has not taken the session why it will not (before it is hung up).</summary>
        public void RefuseOn(IByteStream line, string reason)
        {
            Begin();
            _writer.String(reason);
            SendOn(line, MessageType.AuthRefused, 0, false);
        }

        private void Start(IByteStream stream, long now)
        {
            EndAuth();
            _claim = false;
            _stream = stream;
            _reader.Clear(); // what the last line left half-sent is not this one's
            _incoming.Abandon(); // nor the state it left part way (the board keeps its applied generation)
            if (_exec != null)
            {
                // Its host is gone, and with it the terminal the output was for.
                _exec.Cancel();
                _exec.Finish();
                _exec = null;
            }

            StopCapture();
            _nextHeartbeat = now + HeartbeatMs;
        }

        private void SayHello()
        {
            Begin();
            WriteHello(_claim ? Messages.LineNoKey : Messages.LineTrusted, null);
            Send(MessageType.Hello, 0);
        }

        private void WriteHello(int trust, byte[] nonce)
        {
            Messages.WriteHello(_writer, _identity.Name, _identity.Address, _identity.VxlanPort, _agent.AppliedGeneration, _identity.MaxPods, _identity.MaxPayload);
            Messages.WriteHelloTrust(_writer, trust, Cluster.Length > 0 ? Cluster : null, Trust == null ? 0 : Trust.KeyId, nonce);
            Messages.WriteHelloCapacity(_writer, _identity.TlsSessions, _identity.PodMemory, _identity.MaxContainers, _identity.MaxProbes);
        }

        public void Detach()
        {
            _stream = null;
            _incoming.Abandon(); // its parts will not come on another line: let the partial state go
            EndAuth();
        }

        private void EndAuth()
        {
            if (_auth != null)
            {
                _auth.End();
                _auth = null;
            }
        }

        public void Poll(long now)
        {
            if (_stream == null)
            {
                return;
            }

            for (int round = 0; round < 64 && _stream != null; round++)
            {
                int n = _reader.ReadFrom(_stream);
                if (n < 0)
                {
                    Detach();
                    return;
                }

                bool handled = false;
                while (_stream != null && _reader.Next())
                {
                    if (_auth != null)
                    {
                        if (!_auth.Open(_reader.Payload, _reader.PayloadOffset - Frame.HeaderLength, _reader.PayloadLength))
                        {
                            // Not from the host that authenticated, or not in its order: whoever
                            // holds this line is not (only) the control plane. End the session.
                            SessionsBroken++;
                            Detach();
                            return;
                        }

                        _reader.PayloadLength -= SessionAuth.TrailerLength;
                    }

                    Handle(now);
                    handled = true;
                }

                if (n == 0 && !handled)
                {
                    break;
                }
            }

            // What the board sends goes in the buffer the reader takes frames in: while that holds
            // part of a frame (the rest comes within a turn or two), it waits, a heartbeat period
            // at most (a line that stopped part way: then in a buffer of its own).
            if (_reader.Holding && now < _nextHeartbeat + HeartbeatMs)
            {
                return;
            }

            PollExec(now);
            if (_capturing)
            {
                DrainCapture();
            }

            if ((now >= _nextHeartbeat || _agent.StatusChanged) && !_claim) // a claim serves settings and a key, not the node's state
            {
                // A readiness flip goes out at once, not at the next tick: the endpoints of every
                // board follow it, and the workshop watches them drain.
                _agent.StatusChanged = false;
                Heartbeat();
                _nextHeartbeat = now + HeartbeatMs;
            }
        }

        private void Handle(long now)
        {
            FramesReceived++;
            if (_claim && _reader.Type != MessageType.SettingsRequest && _reader.Type != MessageType.SettingsUpdate && _reader.Type != MessageType.HelloRequest)
            {
                return; // a claim serves the board's settings and a key, nothing of the node
            }

            if (_reader.Type == MessageType.Snapshot || _reader.Type == MessageType.Delta)
            {
                // A state may come in parts (StatePart), each decoded here as it arrives; the
                // answer goes once, after the last part (or at the first that breaks the rules).
                _payload.Begin(_reader.Payload, _reader.PayloadOffset, _reader.PayloadLength);
                DesiredState state;
                string error;
                if (!_incoming.Take(_reader.Type == MessageType.Delta, _payload, _agent.AppliedState, _agent.AppliedGeneration, _agent, _auth, out state, out error)) // TLS keys come encrypted under the session's key, plain on the console
                {
                    return; // more parts to come
                }

                if (error == null)
                {
                    error = _agent.Apply(state);
                }

                if (error == null)
                {
                    SnapshotsApplied++;
                }
                else
                {
                    SnapshotsRefused++;
                }

                Begin();
                Messages.WriteAck(_writer, state == null ? 0 : state.Generation, error);
                Send(MessageType.Ack, _reader.RequestId);

                // Report the pods now rather than at the next tick, as a kubelet reports status
                // changes: `apply` then sees Running a heartbeat period sooner.
                _nextHeartbeat = now;
                return;
            }

            if (_reader.Type == MessageType.CaptureStart)
            {
                _payload.Begin(_reader.Payload, _reader.PayloadOffset, _reader.PayloadLength);
                string error = StartCapture(_payload.String());
                Begin();
                Messages.WriteAck(_writer, 0, error);
                Send(MessageType.Ack, _reader.RequestId);
                if (error == null)
                {
                    _captureRequest = _reader.RequestId;
                    _capturing = true;
                }

                return;
            }

            if (_reader.Type == MessageType.TraceStart && _agent.Node != null)
            {
                _payload.Begin(_reader.Payload, _reader.PayloadOffset, _reader.PayloadLength);
                int mark = _payload.Int();
                int forMs = _payload.Int();
                int mode = _payload.Int();
                string ns = _payload.String();
                string name = _payload.String();
                Worker.Node node = _agent.Node;
                string error = Net.PacketTrace.Start(node.Context, node.Flows, mark, forMs, mode, ns == null ? node.Host : node.FindPod(ns, name),
                    _payload.Int(), _payload.Address(), _payload.Int());
                Begin();
                Messages.WriteAck(_writer, 0, _payload.Failed ? "a trace request this board cannot read" : error);
                Send(MessageType.Ack, _reader.RequestId);
                return;
            }

            if (_reader.Type == MessageType.LogsRequest)
            {
                _payload.Begin(_reader.Payload, _reader.PayloadOffset, _reader.PayloadLength);
                string ns = _payload.String();
                string name = _payload.String();
                string containerName = _payload.AtEnd ? null : _payload.String(); // the first container when none is named
                RunningPod pod = ns == null || name == null ? null : _agent.FindPod(ns, name);
                RunningContainer container = pod == null || pod.Sandbox == null ? null : pod.Container(containerName);
                Begin();
                _writer.String(container == null ? null : container.Log.Text());
                Send(MessageType.LogsResponse, _reader.RequestId);
                return;
            }

            if (_reader.Type == MessageType.CaptureStop)
            {
                StopCapture();
                return;
            }

            if (_reader.Type == MessageType.SettingsRequest || _reader.Type == MessageType.SettingsUpdate)
            {
                HandleSettings();
                return;
            }

            if (_reader.Type == MessageType.Rekey)
            {
                HandleRekey();
                return;
            }

            if (_reader.Type == MessageType.HelloRequest)
            {
                SayHello();
                return;
            }

            if (_reader.Type == MessageType.ExecRequest)
            {
                StartExec(_reader.RequestId);
                return;
            }

            if (_reader.Type == MessageType.PortForwardRequest)
            {
                StartForward(_reader.RequestId);
                return;
            }

            if (_reader.Type == MessageType.ExecInput)
            {
                if (_exec != null && _exec.RequestId == _reader.RequestId)
                {
                    _exec.Input(_reader.Payload, _reader.PayloadOffset, _reader.PayloadLength);
                }

                return;
            }

            if (_reader.Type == MessageType.ExecCancel)
            {
                if (_exec != null)
                {
                    _exec.Cancel();
                }

                return;
            }

            if (_reader.Type == MessageType.ViewRequest)
            {
                _payload.Begin(_reader.Payload, _reader.PayloadOffset, _reader.PayloadLength);
                int view = _payload.Int();
                long since = _payload.AtEnd ? 0 : _payload.Varint();
                SendView(view, since, _reader.RequestId, now);
            }
        }

        // Provisioning: the settings a board keeps in flash take effect when it restarts.
        private void HandleSettings()
        {
            string error = null;
            if (_reader.Type == MessageType.SettingsRequest)
            {
                BoardSettings kept = Storage == null ? new BoardSettings() : BoardSettings.Load(Storage, out error);
                Begin();
                kept.Write(_writer, false); // whether it has a key, never the key
                _writer.String(_identity.Name);
                _writer.Address(_identity.Address);
                _writer.String(Storage == null ? NoStorage : error);
                _writer.Address(kept.Key == null ? 0 : SessionAuth.KeyIdOf(kept.Key)); // the kept key's id: provisioned keys take effect at restart
                Send(MessageType.Settings, _reader.RequestId);
                return;
            }

            _payload.Begin(_reader.Payload, _reader.PayloadOffset, _reader.PayloadLength);
            BoardSettings wanted = BoardSettings.Read(_payload);
            bool restart = _payload.Bool();
            int keyAction = _payload.AtEnd ? KeepKey : _payload.Int();
            error = wanted == null ? "settings damaged or of another format" : KeepTrust(wanted, keyAction);
            if (error == null)
            {
                error = wanted.Validate();
            }

            if (error == null && Storage == null)
            {
                error = NoStorage;
            }

            if (error == null && !(keyAction == KeepKey ? wanted.Save(Storage) : wanted.SaveInBothSlots(Storage)))
            {
                error = "the board could not write its settings to flash";
            }

            Begin();
            Messages.WriteAck(_writer, _agent.AppliedGeneration, error);
            Send(MessageType.Ack, _reader.RequestId);
            if (error == null && restart)
            {
                RestartRequested = true;
            }
        }

        /// <summary>SettingsUpdate's last field: what becomes of the board's cluster key.</summary>
        public const int KeepKey = 0;
        public const int SetKey = 1;
        public const int ForgetKey = 2;

        // The cluster and key a settings update leaves the board with, and its boot count: only
        // the console (physical access) gives a board a key or makes it forget its cluster; an
        // authenticated session changes the key by Rekey, under the old one.
        private string KeepTrust(BoardSettings wanted, int keyAction)
        {
            string ignored;
            BoardSettings kept = Storage == null ? new BoardSettings() : BoardSettings.Load(Storage, out ignored);
            if (keyAction != SetKey)
            {
                wanted.Boots = kept.Boots; // a new key comes with the boot count the host chose at random (nonces then differ from any earlier life of the same key)
            }
            if (_claim && keyAction != SetKey)
            {
                return "this board has no cluster key: a claim on the network gives it one and changes nothing else until it has it";
            }

            if (_claim && kept.Key != null)
            {
                return "this board was claimed already: it takes that key when it restarts, and a second claim would be a stranger's";
            }

            if (keyAction != KeepKey && _auth != null)
            {
                return "a board takes a cluster key, or forgets one, only over its USB console (edgectl board provision --port, edgectl board forget --port); a control plane on the network changes it with edgectl board rekey";
            }

            if (keyAction == ForgetKey)
            {
                wanted.Key = null;
                wanted.Cluster = "";
            }
            else if (keyAction == SetKey)
            {
                if (wanted.Key == null || wanted.Cluster.Length == 0)
                {
                    return "a cluster key needs the cluster's name and 32 bytes of key";
                }
            }
            else
            {
                wanted.Key = kept.Key;
                wanted.Cluster = kept.Cluster;
            }

            return null;
        }

        // Rekey: the new key comes wrapped under this session's key; it is kept in flash first,
        // then used for every later connection (this session goes on under its own key).
        private void HandleRekey()
        {
            string error = null;
            _payload.Begin(_reader.Payload, _reader.PayloadOffset, _reader.PayloadLength);
            string cluster = _payload.String();
            byte[] nonce = new byte[SessionAuth.NonceLength];
            byte[] key = new byte[SessionAuth.KeyLength];
            bool whole = _payload.Raw(nonce, 0, nonce.Length) && _payload.Raw(key, 0, key.Length) && cluster != null;
            BoardSettings kept = null;
            if (_auth == null)
            {
                error = "rekey needs an authenticated session (over the console, provision the key instead)";
            }
            else if (!whole)
            {
                error = "rekey damaged";
            }
            else if (Storage == null)
            {
                error = NoStorage;
            }
            else
            {
                string problem; // damaged settings are replaced whole by these
                kept = BoardSettings.Load(Storage, out problem);
                _auth.Wrap(nonce, 0, key, 0, key, 0);
                kept.Key = key;
                kept.Cluster = cluster;
                error = kept.Validate();
                if (error == null && !kept.SaveInBothSlots(Storage))
                {
                    error = "the board could not write its new key to flash";
                }
            }

            if (error == null)
            {
                Trust.SetClusterKey(key, 0);
                Cluster = cluster;
            }

            for (int i = 0; i < key.Length; i++)
            {
                key[i] = 0;
            }

            Begin();
            Messages.WriteAck(_writer, _agent.AppliedGeneration, error);
            Send(MessageType.Ack, _reader.RequestId);
        }

        private void StartExec(ushort requestId)
        {
            _payload.Begin(_reader.Payload, _reader.PayloadOffset, _reader.PayloadLength);
            string ns = _payload.String();
            string name = _payload.String();
            int argc = _payload.Count(1);
            string[] args = new string[argc];
            for (int i = 0; i < argc; i++)
            {
                args[i] = _payload.String();
            }

            string input = _payload.String();

            // Then, from hosts that say them: the container, whether the pod takes Services'
            // variables, and the names of its variables whose values come from Secrets.
            string containerName = _payload.AtEnd ? null : _payload.String();
            bool serviceLinks = _payload.AtEnd || _payload.Bool();
            string withheld = _payload.AtEnd ? null : _payload.String();
            bool argsWhole = true;
            for (int i = 0; i < argc; i++)
            {
                argsWhole &= args[i] != null; // the protocol's null string is no argument a shell could give
            }

            if (_payload.Failed || ns == null || name == null || !argsWhole)
            {
                return; // a damaged request: nothing to answer to
            }

            if (RefuseWhileBusy(requestId))
            {
                return;
            }

            RunningPod pod = TakeSlotFor(requestId, ns, name);
            RunningContainer container = pod == null ? null : pod.Container(containerName);
            if (pod != null && container == null)
            {
                _exec.Refuse(requestId, "error: container " + containerName + " is not valid for pod " + name + " (it has: " + pod.ContainerNames() + ")", 1);
            }
            else if (pod != null && argc == 1 && args[0] == "env")
            {
                Proxy.Service[] services = _agent.AppliedState != null ? _agent.AppliedState.Services : new Proxy.Service[0];
                _exec.StartEnv(requestId, ns, name, container.Spec, services, serviceLinks, withheld);
            }
            else if (pod != null)
            {
                _exec.Start(requestId, pod.Sandbox, args, input == null ? null : Workloads.Ascii.Bytes(input));
            }
        }

        /// <summary>One exec or forward at a time: a second is answered at once (exit 126), the running one keeps its ID and output.</summary>
        private bool RefuseWhileBusy(ushort requestId)
        {
            if (_exec != null)
            {
                byte[] message = Workloads.Ascii.Bytes("exec: this board is already running a command or forward (one at a time); try again when it ends\n");
                Begin();
                _writer.Byte(2);
                _writer.Raw(message, 0, message.Length);
                Send(MessageType.ExecOutput, requestId);
                Begin();
                _writer.Int(126);
                _writer.Varint(0);
                Send(MessageType.ExecExit, requestId);
                return true;
            }

            return false;
        }

        /// <summary>The exec slot, taken for a pod on this board: the pod when it runs; otherwise null, the run already refused with the reason.</summary>
        private RunningPod TakeSlotFor(ushort requestId, string ns, string name)
        {
            RunningPod pod = _agent.FindPod(ns, name);
            _exec = new ExecRun();
            if (pod == null)
            {
                _exec.Refuse(requestId, "error: pod " + ns + "/" + name + " is not on this board", 1);
                return null;
            }

            if (pod.Phase != PodPhase.Running || pod.Sandbox == null)
            {
                _exec.Refuse(requestId, "error: pod " + ns + "/" + name + " is " + PodPhase.Name(pod.Phase) + ", not Running: " + pod.Reason, 1);
                return null;
            }

            return pod;
        }

        /// <summary>PortForwardRequest: namespace, pod, port; runs in the exec slot and answers as an exec does.</summary>
        private void StartForward(ushort requestId)
        {
            _payload.Begin(_reader.Payload, _reader.PayloadOffset, _reader.PayloadLength);
            string ns = _payload.String();
            string name = _payload.String();
            int port = _payload.Int();
            if (_payload.Failed || ns == null || name == null || RefuseWhileBusy(requestId))
            {
                return;
            }

            RunningPod pod = TakeSlotFor(requestId, ns, name);
            if (pod != null && (port < 1 || port > 65535))
            {
                _exec.Refuse(requestId, "error: port " + port + " is not a TCP port", 1);
            }
            else if (pod != null)
            {
                _exec.StartForward(requestId, pod.Sandbox, port);
            }
        }

        /// <summary>Runs the exec a step, drains its output into frames, and ends it with ExecExit once all output is out.</summary>
        private void PollExec(long now)
        {
            if (_exec == null)
            {
                return;
            }

            _exec.Poll(now);
            int credit = _exec.TakeCredit();
            if (credit > 0)
            {
                Begin();
                _writer.Varint((uint)credit);
                Send(MessageType.ExecInput, _exec.RequestId);
            }

            Drain(_exec.Output, 1);
            Drain(_exec.Error, 2);
            if (_exec.Done && _exec.Output.Count == 0 && _exec.Error.Count == 0)
            {
                Begin();
                _writer.Int(_exec.ExitCode);
                _writer.Varint((uint)_exec.LostBytes);
                Send(MessageType.ExecExit, _exec.RequestId);
                _exec.Finish();
                _exec = null;
            }
        }

        private void Drain(Net.ByteRing ring, int stream)
        {
            while (ring.Count > 0 && _stream != null)
            {
                Begin();
                _writer.Byte(stream);
                WriteFrom(ring);
                Send(MessageType.ExecOutput, _exec.RequestId);
            }
        }

        /// <summary>Taps "overlay" or a pod ("namespace/name") into the capture ring; null, or why not.</summary>
        private string StartCapture(string point)
        {
            if (_agent.Node == null)
            {
                return "this board has no pod network yet (no snapshot applied)";
            }

            StopCapture();
            _capture = new CaptureSink();
            _capture.Reset();
            if (point == "overlay")
            {
                _agent.Node.Overlay.Tap = new Net.PacketTap(Net.PacketTap.OverlayPoint, _capture);
                return null;
            }

            int slash = point == null ? -1 : point.IndexOf('/');
            RunningPod pod = slash < 0 ? null : _agent.FindPod(point.Substring(0, slash), point.Substring(slash + 1));
            if (pod == null || pod.Sandbox == null)
            {
                _capture = null;
                return "no pod " + point + " runs on this board; capture \"overlay\" or one of its pods";
            }

            _agent.Node.Bridge.Tap = new Net.PacketTap(Net.PacketTap.BridgePortPoint(pod.Sandbox.Interface.Port), _capture);
            return null;
        }

        private void StopCapture()
        {
            if (_agent.Node != null)
            {
                _agent.Node.Overlay.Tap = null;
                _agent.Node.Bridge.Tap = null;
            }

            _capturing = false;
            _capture = null;
        }

        // Up to a kilobyte from the ring straight into the frame being written (frames stay small on a slow line).
        private void WriteFrom(Net.ByteRing ring)
        {
            int room = _writer.Limit - _writer.Position;
            _writer.Position += ring.Read(_writer.Buffer, _writer.Position, room < ChunkBytes ? room : ChunkBytes);
        }

        private void DrainCapture()
        {
            Net.ByteRing ring = _capture.Ring;
            while (ring.Count > 0 && _stream != null)
            {
                Begin();
                WriteFrom(ring);
                Send(MessageType.CaptureData, _captureRequest);
            }
        }

        // A view streams into as many frames as it takes, each "more to come?" then the text, so
        // neither the frame nor the board's memory bounds a table's length: the renderer hands
        // over a line at a time (TextBuilder) and full frames go out as they fill.
        private void SendView(int view, long since, ushort requestId, long now)
        {
            _viewRequest = requestId;
            BeginViewFrame();
            if (_agent.Node != null)
            {
                var text = new TextBuilder(this, 128);
                switch (view)
                {
                    case ViewIptables: IptablesView.Render(_agent.Node.Proxy.Services, _agent.Node.Config.ClusterNetwork, _agent.Node.Config.ClusterPrefixLength, text); break;
                    case ViewIpvs: IpvsView.Render(_agent.Node.Proxy.Services, _agent.Node.Proxy.Conntrack, now, text); break;
                    case ViewConntrack: ConntrackView.Render(_agent.Node.Proxy.Conntrack, now, text); break;
                    case ViewPolicy: PolicyView.Render(_agent.Node.Policy, _agent.Node.Config.GatewayAddress, text); break;
                    case ViewTrace:
                        if (_agent.Node.Context.Trace != null)
                        {
                            TraceView.Render(_agent.Node.Context.Trace, _agent.Node.Proxy.Services, now, text);
                        }

                        break;
                    case ViewFlows:
                        if (_agent.Node.Flows != null)
                        {
                            FlowView.Render(_agent.Node.Flows, _agent.Node.Proxy.Services, since, now, text);
                        }

                        break;
                }

                text.Flush();
            }

            _out[Frame.HeaderLength] = 0; // the last frame: no more to come
            Send(MessageType.ViewResponse, requestId);
        }

        private void BeginViewFrame()
        {
            Begin();
            _writer.Bool(true);
        }

        void ITextSink.Write(char[] text, int length)
        {
            for (int i = 0; i < length && _stream != null; i++)
            {
                if (_writer.Position == _writer.Limit)
                {
                    Send(MessageType.ViewResponse, _viewRequest);
                    BeginViewFrame();
                }

                char c = text[i];
                _writer.Byte(c < 128 ? c : '?');
            }
        }

        private void Heartbeat()
        {
            // When long messages do not fit this board's frame, the reasons still go, and failing
            // that the phases: a heartbeat must get through, or the node goes NotReady.
            if (!WriteHeartbeat(true, true) && !WriteHeartbeat(true, false))
            {
                WriteHeartbeat(false, false);
            }

            Send(MessageType.Heartbeat, 0);
        }

        private bool WriteHeartbeat(bool withReasons, bool withMessages)
        {
            Begin();
            _writer.Varint(_agent.AppliedGeneration);
            RunningPod[] pods = _agent.Pods;
            _writer.Int(pods.Length);
            for (int i = 0; i < pods.Length; i++)
            {
                _writer.String(pods[i].Spec.Namespace);
                _writer.String(pods[i].Spec.Name);
                _writer.String(pods[i].Spec.Uid);
                _writer.Int(pods[i].Phase);
                _writer.String(withReasons ? pods[i].Reason : null);
                _writer.String(withMessages ? pods[i].Message : null);
            }

            _writer.Varint(_agent.Node == null ? 0 : (uint)_agent.Node.Drops.Total);

            // After the drops (older hosts stop before them): each pod's containers, each its name,
            // state (ready, started, running, last ended for its memory), restarts, how it last
            // exited plus one (0: never), why it does not run, its message and the last probe
            // failure: the words only with the messages (short of room, the pod's reason stands
            // for its troubled container's).
            for (int i = 0; i < pods.Length; i++)
            {
                RunningContainer[] containers = pods[i].Containers;
                _writer.Int(containers.Length);
                for (int c = 0; c < containers.Length; c++)
                {
                    RunningContainer container = containers[c];
                    _writer.String(container.Name);
                    _writer.Byte((container.Ready ? 1 : 0) | (container.Started ? 2 : 0) | (container.Running ? 4 : 0) | (container.LastOomKilled ? 8 : 0));
                    _writer.Int(container.Restarts);
                    _writer.Int(container.LastExit + 1);
                    _writer.String(withMessages ? container.Reason : null);
                    _writer.String(withMessages ? container.Message : null);
                    _writer.String(withMessages ? container.ProbeFailure : null);
                }
            }

            return !_writer.Overflow;
        }

        private void Begin()
        {
            // Over the frame last read (its handler has read it), unless the reader holds part of
            // another: a candidate's Hello while the host's frame is part way, an answer to a frame
            // found among garbage.
            _out = _reader.Holding ? new byte[Frame.HeaderLength + _identity.MaxOutPayload + Frame.TrailerLength] : _reader.Payload;

            // An authenticated frame's sequence number and MAC come after the body.
            _writer.Begin(_out, Frame.HeaderLength, Frame.HeaderLength + _identity.MaxOutPayload - (_auth != null ? SessionAuth.TrailerLength : 0));
        }

        private void Send(byte type, ushort requestId)
        {
            if (_stream != null && !SendOn(_stream, type, requestId, _auth != null))
            {
                Detach();
            }
        }

        // False when the line is gone.
        private bool SendOn(IByteStream line, byte type, ushort requestId, bool authenticated)
        {
            if (_writer.Overflow)
            {
                return true;
            }

            int length = authenticated
                ? _auth.Seal(_out, 0, type, requestId, _writer.Length)
                : Frame.Seal(_out, 0, type, requestId, _writer.Length);
            int sent = 0;
            for (int tries = 0; sent < length && tries < 1000; tries++)
            {
                int n = line.Write(_out, sent, length - sent);
                if (n < 0)
                {
                    return false;
                }

                sent += n;
            }

            // Half a frame on an authenticated line can only end in a bad MAC at the host: call
            // the line gone now, and the host reconnects with a new handshake.
            return sent == length || !authenticated;
        }
    }
}
