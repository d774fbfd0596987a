using System.Security.Cryptography;
using System.Text;
using Edge.Dataplane.Agent;
using Edge.Dataplane.Boards;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.NfTests.Sim;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Trust;
using Edge.Dataplane.Wire;

namespace Edge.Fuzz;

/// <summary>
/// What anyone on the LAN can send a board's management port before proving the cluster key:
/// the connections <see cref="ControlPlaneLine"/> holds as candidates, and the claim a board
/// without a key takes. Two boards of <see cref="FuzzFixtures"/> run their loop's management
/// part (ControlPlaneLine.Poll, BoardSession.Poll, the line dropped when the session ends) over
/// an in-memory listener, in lock step on the lab's clock, and every record of the script
/// happens to both:
/// <list type="bullet">
/// <item>board 2 holds a cluster key (its <see cref="SessionAuth"/> from its settings, as
/// <see cref="BootPlan.StartTrust"/> makes it), and a legitimate host (role Host, the right key)
/// connected first and holds an authenticated session, reading and opening every frame the board
/// sends it;</item>
/// <item>board 1 has no key (never provisioned, no console wired), so a Claim may open a claim
/// session on it.</item>
/// </list>
/// A fuzzer cannot compute a CRC or an HMAC, so the harness seals each frame record with a good
/// CRC and offers proofs it can make without ever giving a fuzz connection a valid one: another
/// cluster's key on the connection's nonce, the legitimate handshake's proof replayed, the right
/// key on a stale nonce, the board's own proof reflected, a proof for another board's address.
/// <code>
/// script  := record*
/// record  := 0xF0                          open a new connection (it becomes the current one; at most 16)
///          | 0xF1 n(1)                     make connection n % count the current one
///          | 0xF2                          the current connection's host hangs up
///          | 0xF3 t(1)                     the clock jumps t * 16 ms (0 to 4,080), then a turn
///          | 0xF4 length(1) bytes(length)  raw bytes on the current connection
///          | 0xF5 k(1)                     the legitimate host sends a sealed frame: k % 4 HelloRequest,
///                                          ViewRequest (view (k / 4) % 5), SettingsRequest, LogsRequest
///                                          (the first 32 such records; later ones do nothing)
///          | 0xF6 k(1)                     a proof on the current connection, k % 5: another cluster's key
///                                          on its nonce, the legitimate proof replayed, the right key on the
///                                          legitimate connection's (stale) nonce, the board's proof reflected,
///                                          the right key on its nonce for the other board's address (a relay)
///          | 0xF7 type(1) request(2) length(1) payload   a frame with a good CRC but no MAC onto the
///                                          legitimate line (the harness tampers: the session may end)
///          | 0xF8 k(1)                     onto the legitimate line, k % 2: the host's last sealed frame again
///                                          (a replay), the board's last sealed frame back (a reflection); tampers
///          | type(1) request(2) length(1) payload        a frame on the current connection, sealed here
/// </code>
/// A record that needs a connection opens one when there is none; records after the 2,048th are
/// not read. After every record each board
/// takes a turn (and the lab one millisecond); at the end the backlog is drained, the clock jumps
/// past <see cref="ControlPlaneLine.CandidateMs"/>, and the legitimate host asks for Hello and a view.
/// Invariants (a <see cref="FuzzFinding"/> when one breaks):
/// <list type="bullet">
/// <item>the keyed board's session line is the legitimate host's or none, never a fuzz connection;
/// nothing a fuzz connection sends reaches its session (frames received = legitimate frames sent);</item>
/// <item>unless the harness tampered with the legitimate line, the legitimate session is never
/// broken or hung up, every frame the board seals for it opens in sequence, and after the script
/// a HelloRequest and a ViewRequest are answered with frames that open; a frame the harness put
/// on that line (unsealed, replayed or reflected) ends the session in the turn it arrives,
/// never served;</item>
/// <item>no candidate lingers: after a turn at most one accepted connection is waiting to prove,
/// for less than CandidateMs; every other is hung up (each hang-up counted once, in Refused or
/// WrongKey; no connection closed twice; nothing written to a connection after the board closed it);</item>
/// <item>everything the board writes to a fuzz connection is whole frames with good CRCs: Hello
/// (with the board's key id and a nonce no other connection had; the same one again on that
/// connection) and AuthRefused on the keyed board; Hello, AuthRefused, and in a claim Ack,
/// Settings and Heartbeat on the board without a key; and a little of them: at most 1 KiB to a
/// connection that never held the session, however many HelloRequests it sends;</item>
/// <item>on the board without a key, a claim applies no state and runs nothing (no snapshot
/// applied or refused, generation unchanged, no exec, view, log or capture frame), and once a
/// claim has given it a key no later one replaces that key;</item>
/// <item>counters only grow.</item>
/// </list>
/// </summary>
public sealed class HandshakeTarget : FuzzTarget
{
    public const byte OpenRecord = 0xF0;
    public const byte SelectRecord = 0xF1;
    public const byte CloseRecord = 0xF2;
    public const byte WaitRecord = 0xF3;
    public const byte RawRecord = 0xF4;
    public const byte LegitRecord = 0xF5;
    public const byte ProofRecord = 0xF6;
    public const byte TamperRecord = 0xF7;
    public const byte ReplayRecord = 0xF8;

    private const int MaxConnections = 16;
    private const int WaitUnitMs = 16;
    private const int FinalTurns = 40;

    // The legitimate host's requests a script may make (each view is rendered, sealed and opened):
    // enough for every kind, few enough that an input's time stays far inside afl-fuzz's limit.
    private const int MaxLegitimateRequests = 32;

    // Records a script runs (a turn each); the rest of a longer input is not read.
    private const int MaxRecords = 2048;

    // What the board may write to a connection that has proved nothing (this lab's names; its
    // Hello is about 60 bytes, a refusal about 260): a little, whatever it sends. A board that
    // answered every HelloRequest would write without bound to a peer that need not read, until
    // a blocking send on the board stalls its loop.
    private const int MaxBytesUnproved = 1024;

    /// <summary>The cluster's key (the keyed board's and the legitimate host's) and another cluster's.</summary>
    private static readonly byte[] ClusterKey = SHA256.HashData(Encoding.ASCII.GetBytes("edge fuzz: the lab cluster's key"));
    private static readonly byte[] OtherKey = SHA256.HashData(Encoding.ASCII.GetBytes("edge fuzz: another cluster's key"));

    public override string Name => "handshake";

    public override string Covers => "ControlPlaneLine.Poll (candidates, HelloRequest, AuthProof, Claim, timeouts, floods) and BoardSession's authenticated and claim sessions, on a keyed board with a legitimate host and on a board without a key";

    public override void Run(byte[] input)
    {
        AgentLab lab = FuzzFixtures.Lab();
        var keyed = new World(lab, 2, ClusterKey);
        var bare = new World(lab, 1, null);
        World[] worlds = [keyed, bare];
        keyed.ConnectLegitimateHost();

        byte[] frame = new byte[Frame.HeaderLength + 255 + Frame.TrailerLength];
        for (int at = 0, records = 0; at < input.Length && records < MaxRecords; records++)
        {
            byte kind = input[at++];
            switch (kind)
            {
                case OpenRecord:
                    Each(worlds, w => w.Open());
                    break;
                case SelectRecord:
                {
                    int n = Next(input, ref at);
                    Each(worlds, w => w.Select(n));
                    break;
                }

                case CloseRecord:
                    Each(worlds, w => w.HangUp());
                    break;
                case WaitRecord:
                    lab.Clock.Now += Next(input, ref at) * WaitUnitMs;
                    break;
                case RawRecord:
                {
                    int n = Math.Min(Next(input, ref at), input.Length - at);
                    int from = at;
                    Each(worlds, w => w.Current().ToBoard(input, from, n));
                    at += n;
                    break;
                }

                case LegitRecord:
                    keyed.LegitimateRequest(Next(input, ref at));
                    break;
                case ProofRecord:
                {
                    int k = Next(input, ref at);
                    Each(worlds, w => w.Proof(k));
                    break;
                }

                case TamperRecord:
                {
                    int length = ReadFrame(input, ref at, frame, out byte type, out ushort request);
                    keyed.Tamper(frame, Frame.Seal(frame, 0, type, request, length));
                    break;
                }

                case ReplayRecord:
                    keyed.ReplayLegitimate(Next(input, ref at));
                    break;
                default:
                {
                    at--;
                    int length = ReadFrame(input, ref at, frame, out byte type, out ushort request);
                    int total = Frame.Seal(frame, 0, type, request, length);
                    Each(worlds, w => w.Current().ToBoard(frame, 0, total));
                    break;
                }
            }

            Turn(lab, worlds);
        }

        // Every connection still in the backlog is taken (or refused), then every candidate's time runs out.
        for (int i = 0; i < MaxConnections + 2; i++)
        {
            Turn(lab, worlds);
        }

        lab.Clock.Now += ControlPlaneLine.CandidateMs;
        Turn(lab, worlds);
        foreach (World w in worlds)
        {
            w.CheckNoneWaiting();
        }

        keyed.CheckLegitimateHostServed(() => Turn(lab, worlds));
        bare.CheckClaimTookNothing();
    }

    private static void Each(World[] worlds, Action<World> act)
    {
        foreach (World w in worlds)
        {
            act(w);
        }
    }

    /// <summary>One turn of each board's loop (its management part), then a millisecond of the lab; then the invariants.</summary>
    private static void Turn(AgentLab lab, World[] worlds)
    {
        foreach (World w in worlds)
        {
            w.Turn(lab.Clock.Now);
        }

        lab.Step();
        foreach (World w in worlds)
        {
            w.Check(lab.Clock.Now - 1);
        }
    }

    private static int Next(byte[] input, ref int at) => at < input.Length ? input[at++] : 0;

    // type(1) request(2) length(1) payload into frame[HeaderLength..]; the payload's length (cut at the input's end).
    private static int ReadFrame(byte[] input, ref int at, byte[] frame, out byte type, out ushort request)
    {
        type = (byte)Next(input, ref at);
        request = (ushort)((Next(input, ref at) << 8) | Next(input, ref at));
        int length = Math.Min(Next(input, ref at), input.Length - at);
        Array.Copy(input, at, frame, Frame.HeaderLength, length);
        at += length;
        return length;
    }

    /// <summary>One board with its loop's management part, its listener, its connections and (keyed) the legitimate host.</summary>
    private sealed class World
    {
        private readonly AgentLab _lab;
        private readonly NodeAgent _agent;
        private readonly BoardSession _session;
        private readonly ControlPlaneLine _lines;
        private readonly Listener _listener;
        private readonly Storage _storage = new();
        private readonly bool _keyed;
        private readonly string _name;
        private readonly List<Connection> _connections = [];
        private readonly HashSet<string> _nonces = [];
        private readonly uint _generation;
        private Connection? _current;
        private Counters _counters;

        // The legitimate host (keyed board only).
        private Connection? _legit;
        private SessionAuth? _host;
        private readonly uint _address;
        private readonly uint _otherBoard;
        private readonly byte[] _boardNonce = new byte[SessionAuth.NonceLength];
        private readonly byte[] _hostNonce = new byte[SessionAuth.NonceLength];
        private byte[] _legitProof = [];
        private readonly byte[] _hostOut = new byte[Frame.HeaderLength + 64 + SessionAuth.TrailerLength + Frame.TrailerLength];
        private byte[] _lastSealed = [];
        private ushort _hostRequest = 0x7000;
        private long _legitSent;
        private bool _tampered;
        private bool _injected;
        private long _brokenBefore;
        private int _hostHellos;
        private int _viewsAnswered;
        private ushort _lastView;

        // The proofs the harness makes for fuzz connections: another cluster's key; the right key on
        // the wrong nonce, label or address.
        private SessionAuth? _otherCluster;
        private SessionAuth? _rightKey;
        private SessionAuth? _elsewhere;

        // The key a claim left in the board without a key's flash: no later claim may change it.
        private byte[]? _claimedKey;
        private long _claimLinesDropped;

        public World(AgentLab lab, int board, byte[]? key)
        {
            _lab = lab;
            _agent = lab.Agent(board);
            _generation = _agent.AppliedGeneration;
            _keyed = key != null;
            _name = _keyed ? "the keyed board" : "the board without a key";
            var settings = new BoardSettings { Name = "node-" + board, Cluster = key != null ? "lab" : "", Key = key == null ? null : (byte[])key.Clone() };
            if (key != null)
            {
                settings.Save(_storage);
            }

            BootPlan plan = BootPlan.From(settings, "node-" + board, MemoryClass.Wroom);
            _address = TestCluster.BoardAddress(board);
            _otherBoard = TestCluster.BoardAddress(3 - board);
            _session = new BoardSession(_agent, new NodeConfigIdentity
            {
                Name = plan.Name,
                Address = TestCluster.BoardAddress(board),
                MaxPayload = MemoryClass.MaxPayload(MemoryClass.Wroom),
                MaxOutPayload = MemoryClass.MaxOutPayload(MemoryClass.Wroom),
            })
            {
                Storage = _storage,
                Trust = plan.StartTrust(_storage),
                Cluster = plan.Settings.Cluster,
            };
            if ((_session.Trust != null) != _keyed)
            {
                throw new InvalidOperationException("BootPlan.StartTrust did not give the board the trust its settings hold");
            }

            _listener = new Listener(lab.Clock);
            _lines = new ControlPlaneLine(_listener, _session, new SeededRandom((uint)(0x5EED0000 + board)));
            _counters = Take();
        }

        public void ConnectLegitimateHost()
        {
            _legit = new Connection(-1);
            _host = new SessionAuth(SessionAuth.Host, ClusterKey, 0) { Address = _address }; // dialled at the board's address: the proofs are bound to it
            _listener.Connect(_legit);
            Turn(_lab.Clock.Now);
            Sent? hello = _legit.Frames.Count > 0 ? _legit.Frames[0] : null;
            if (hello == null || hello.Type != MessageType.Hello || !ReadHello(hello, out int trust, out _, out _, _boardNonce) || trust != Messages.LineAuthenticate)
            {
                throw new InvalidOperationException("the keyed board did not greet the legitimate host with a Hello to authenticate");
            }

            for (int i = 0; i < _hostNonce.Length; i++)
            {
                _hostNonce[i] = (byte)(0xA0 + i);
            }

            byte[] proof = new byte[Frame.HeaderLength + SessionAuth.NonceLength + SessionAuth.ProofLength + Frame.TrailerLength];
            _hostNonce.CopyTo(proof, Frame.HeaderLength);
            _host.Prove(SessionAuth.Host, _boardNonce, 0, _hostNonce, 0, proof, Frame.HeaderLength + SessionAuth.NonceLength);
            _legitProof = proof.AsSpan(Frame.HeaderLength, SessionAuth.NonceLength + SessionAuth.ProofLength).ToArray();
            _legit.ToBoard(proof, 0, Frame.Seal(proof, 0, MessageType.AuthProof, 1, _legitProof.Length));
            Turn(_lab.Clock.Now);
            Sent? ok = _legit.Frames.Count > 1 ? _legit.Frames[1] : null;
            if (ok == null || ok.Type != MessageType.AuthOk || ok.PayloadLength != SessionAuth.ProofLength
                || !_host.Check(SessionAuth.Board, _boardNonce, 0, _hostNonce, 0, ok.Bytes, Frame.HeaderLength)
                || _lines.Line != _legit || !_session.Authenticated)
            {
                throw new InvalidOperationException("the legitimate host did not take the keyed board's session");
            }

            _host.Establish(_boardNonce, 0, _hostNonce, 0);
            _legit.Opened = 2;
            _nonces.Add(Convert.ToHexString(_boardNonce));
            _counters = Take();
        }

        /// <summary>What BoardLoop.Turn does with the management port: accept and settle, serve the session, drop a line whose session ended.</summary>
        public void Turn(long now)
        {
            _lines.Poll(now);
            _session.Poll(now);
            if (_lines.Line != null && !_session.Attached)
            {
                if (_lines.Line != _legit)
                {
                    _claimLinesDropped++;
                }

                _lines.Drop();
            }
        }

        public Connection Current()
        {
            if (_current == null)
            {
                Open();
            }

            return _current!;
        }

        public void Open()
        {
            if (_connections.Count < MaxConnections)
            {
                _current = new Connection(_connections.Count);
                _connections.Add(_current);
                _listener.Connect(_current);
            }
        }

        public void Select(int n)
        {
            if (_connections.Count > 0)
            {
                _current = _connections[n % _connections.Count];
            }
        }

        public void HangUp() => Current().HostClosed = true;

        /// <summary>A proof the harness can make on the current connection without ever making a valid one.</summary>
        public void Proof(int k)
        {
            Connection line = Current();
            byte[] frame = new byte[Frame.HeaderLength + SessionAuth.NonceLength + SessionAuth.ProofLength + Frame.TrailerLength];
            byte[] hostNonce = new byte[SessionAuth.NonceLength];
            for (int i = 0; i < hostNonce.Length; i++)
            {
                hostNonce[i] = (byte)(k + i * 7);
            }

            hostNonce.CopyTo(frame, Frame.HeaderLength);
            int proofAt = Frame.HeaderLength + SessionAuth.NonceLength;
            _otherCluster ??= new SessionAuth(SessionAuth.Host, OtherKey, 0) { Address = _address };
            _rightKey ??= new SessionAuth(SessionAuth.Host, ClusterKey, 0) { Address = _address };
            _elsewhere ??= new SessionAuth(SessionAuth.Host, ClusterKey, 0) { Address = _otherBoard };
            switch (k % 5)
            {
                case 0: // another cluster's control plane, on this connection's nonce
                    _otherCluster.Prove(SessionAuth.Host, line.Nonce, 0, hostNonce, 0, frame, proofAt);
                    break;
                case 1: // the legitimate handshake replayed (or, on the board without a key, a proof of nothing)
                    _legitProof.CopyTo(frame, Frame.HeaderLength);
                    break;
                case 2: // the right key on a nonce the board gave another connection
                    _rightKey.Prove(SessionAuth.Host, _boardNonce, 0, hostNonce, 0, frame, proofAt);
                    break;
                case 3: // the board's own proof on this nonce, reflected
                    _rightKey.Prove(SessionAuth.Board, line.Nonce, 0, hostNonce, 0, frame, proofAt);
                    break;
                default: // the right key on this nonce for another board's address: a control plane's connection relayed from there
                    _elsewhere.Prove(SessionAuth.Host, line.Nonce, 0, hostNonce, 0, frame, proofAt);
                    break;
            }

            line.ToBoard(frame, 0, Frame.Seal(frame, 0, MessageType.AuthProof, (ushort)k, SessionAuth.NonceLength + SessionAuth.ProofLength));
        }

        /// <summary>The legitimate host asks for something, sealed under its session, while it holds it.</summary>
        public void LegitimateRequest(int k)
        {
            if (_legit == null || _host == null || _legit.BoardCloses > 0 || _legitSent >= MaxLegitimateRequests)
            {
                return;
            }

            byte type;
            int length = 0;
            int body = Frame.HeaderLength;
            switch (k % 4)
            {
                case 0: type = MessageType.HelloRequest; break;
                case 1: type = MessageType.ViewRequest; _hostOut[body] = (byte)(k / 4 % 5); length = 1; break;
                case 2: type = MessageType.SettingsRequest; break;
                default:
                    type = MessageType.LogsRequest;
                    foreach (string s in new[] { "default", "web" })
                    {
                        _hostOut[body + length++] = (byte)(s.Length + 1);
                        length += Encoding.ASCII.GetBytes(s, 0, s.Length, _hostOut, body + length);
                    }

                    break;
            }

            SendLegitimate(type, length);
        }

        private void SendLegitimate(byte type, int length)
        {
            ushort request = _hostRequest++;
            if (type == MessageType.ViewRequest)
            {
                _lastView = request;
            }

            int n = _host!.Seal(_hostOut, 0, type, request, length);
            _lastSealed = _hostOut[..n];
            _legitSent++;
            _legit!.ToBoard(_hostOut, 0, n);
        }

        public void Tamper(byte[] frame, int length) => Inject(frame, length);

        /// <summary>k % 2: the host's last sealed frame again, or the board's last sealed frame sent back to it.</summary>
        public void ReplayLegitimate(int k)
        {
            if (_legit == null)
            {
                return;
            }

            byte[] frame = k % 2 == 0 ? _lastSealed : _legit.Frames.Count > 2 ? _legit.Frames[^1].Bytes : [];
            if (frame.Length > 0)
            {
                Inject(frame, frame.Length);
            }
        }

        // A frame onto the legitimate line that is not the host's next sealed one: the session may only end on it.
        private void Inject(byte[] frame, int length)
        {
            if (_legit == null)
            {
                return;
            }

            if (_lines.Line == _legit && _legit.BoardCloses == 0 && !_injected)
            {
                _injected = true;
                _brokenBefore = _session.SessionsBroken;
            }

            _tampered = true;
            _legit.ToBoard(frame, 0, length);
        }

        /// <summary>The invariants after a turn at <paramref name="now"/>.</summary>
        public void Check(long now)
        {
            IByteStream? line = _lines.Line;
            if (_keyed)
            {
                if (line != null && line != _legit)
                {
                    throw new FuzzFinding($"{_name}: a connection that never proved the cluster key holds the session (connection {((Connection)line).Index})");
                }

                if (_lines.Taken != 1)
                {
                    throw new FuzzFinding($"{_name}: {_lines.Taken} connections took the session; only the legitimate host proved the key");
                }

                if (_session.Authenticated && line != _legit)
                {
                    throw new FuzzFinding($"{_name}: an authenticated session on no line or another's");
                }

                if (!_tampered)
                {
                    if (line != _legit || !_session.Authenticated || _legit!.BoardCloses > 0)
                    {
                        throw new FuzzFinding($"{_name}: the legitimate host lost its session though nothing touched its line (broken sessions {_session.SessionsBroken}, bad MACs {_session.Trust!.BadMacs}, out of sequence {_session.Trust.OutOfSequence})");
                    }

                    if (_session.FramesReceived != _legitSent)
                    {
                        throw new FuzzFinding($"{_name}: its session took {_session.FramesReceived} frames, the legitimate host sent {_legitSent}: a connection that proved nothing was served");
                    }
                }

                if (_injected)
                {
                    if (_session.SessionsBroken != _brokenBefore + 1 || _legit!.BoardCloses != 1 || line != null)
                    {
                        throw new FuzzFinding($"{_name}: a frame not sealed by the legitimate host in its sequence was put on its line and the session went on (broken sessions {_brokenBefore} to {_session.SessionsBroken})");
                    }

                    _injected = false;
                }

                ReadLegitimate();
            }
            else
            {
                if (line != null && !_session.Claiming)
                {
                    throw new FuzzFinding($"{_name}: a connection holds the session without a claim");
                }

                if (_session.Trust != null || _session.Authenticated)
                {
                    throw new FuzzFinding($"{_name}: it took a key while running (a claimed key takes effect at restart)");
                }

                if (_session.SnapshotsApplied != 0 || _session.SnapshotsRefused != 0 || _agent.AppliedGeneration != _generation)
                {
                    throw new FuzzFinding($"{_name}: a state was taken on a claim ({_session.SnapshotsApplied} applied, {_session.SnapshotsRefused} refused, generation {_agent.AppliedGeneration})");
                }

                byte[]? kept = BoardSettings.Load(_storage, out _).Key;
                if (_claimedKey != null && (kept == null || !kept.AsSpan().SequenceEqual(_claimedKey)))
                {
                    throw new FuzzFinding($"{_name}: a second claim replaced (or removed) the key the first one gave it");
                }

                _claimedKey ??= kept;
            }

            int waiting = 0;
            long closes = 0;
            foreach (Connection c in _connections)
            {
                c.CheckFrames(_keyed);
                if (c.BoardCloses > 1 || c.WroteAfterClose)
                {
                    throw new FuzzFinding($"{_name}: connection {c.Index} was closed {c.BoardCloses} times{(c.WroteAfterClose ? ", and written to after" : "")}");
                }

                closes += c.BoardCloses;
                c.WasSessionLine |= c == line;
                if (!c.WasSessionLine && c.BytesFromBoard > MaxBytesUnproved)
                {
                    throw new FuzzFinding($"{_name}: it wrote {c.BytesFromBoard} bytes ({c.Frames.Count} frames) to connection {c.Index}, which proved nothing");
                }

                if (c.AcceptedAt >= 0 && c.BoardCloses == 0 && c != line)
                {
                    waiting++;
                    if (now - c.AcceptedAt >= ControlPlaneLine.CandidateMs)
                    {
                        throw new FuzzFinding($"{_name}: connection {c.Index}, accepted at {c.AcceptedAt} ms, still waits at {now} ms without proving the key");
                    }
                }

                if (c.Nonces.Count > 1)
                {
                    throw new FuzzFinding($"{_name}: connection {c.Index} was greeted with {c.Nonces.Count} different nonces");
                }

                foreach (string nonce in c.Nonces)
                {
                    if (c.NonceCounted != nonce && !_nonces.Add(nonce))
                    {
                        throw new FuzzFinding($"{_name}: connection {c.Index} was given a nonce another connection had ({nonce})");
                    }

                    c.NonceCounted = nonce;
                }
            }

            if (waiting > 1)
            {
                throw new FuzzFinding($"{_name}: {waiting} connections wait to prove the key at once");
            }

            if (closes != _lines.Refused + _lines.WrongKey + _claimLinesDropped)
            {
                throw new FuzzFinding($"{_name}: it hung up {closes} connections but counted {_lines.Refused} refused and {_lines.WrongKey} with a wrong key ({_claimLinesDropped} claims ended)");
            }

            Counters counters = Take();
            string? shrunk = counters.ShrunkFrom(_counters);
            if (shrunk != null)
            {
                throw new FuzzFinding($"{_name}: counter {shrunk} went down");
            }

            _counters = counters;
        }

        // Every frame the board sent the legitimate host must open, in sequence.
        private void ReadLegitimate()
        {
            for (; _legit!.Opened < _legit.Frames.Count; _legit.Opened++)
            {
                Sent f = _legit.Frames[_legit.Opened];
                if (!_host!.Open(f.Bytes, 0, f.PayloadLength))
                {
                    throw new FuzzFinding($"{_name}: a frame it sealed for the legitimate host (type {f.Type}, frame {_legit.Opened} on its line) does not open there (bad MACs {_host.BadMacs}, out of sequence {_host.OutOfSequence})");
                }

                if (f.Type == MessageType.Hello)
                {
                    _hostHellos++;
                }

                if (f.Type == MessageType.ViewResponse && f.RequestId == _lastView && f.PayloadLength > SessionAuth.TrailerLength && f.Bytes[Frame.HeaderLength] == 0)
                {
                    _viewsAnswered++;
                }
            }
        }

        public void CheckNoneWaiting()
        {
            foreach (Connection c in _connections)
            {
                if (c.AcceptedAt < 0)
                {
                    throw new FuzzFinding($"{_name}: connection {c.Index} was never accepted");
                }

                if (c.BoardCloses == 0 && c != _lines.Line)
                {
                    throw new FuzzFinding($"{_name}: connection {c.Index} still open {ControlPlaneLine.CandidateMs} ms after the last record, without the session");
                }
            }
        }

        /// <summary>Unless the harness tampered with its line, the legitimate host is still served: a HelloRequest and a ViewRequest answered with frames that open.</summary>
        public void CheckLegitimateHostServed(Action turn)
        {
            if (_tampered)
            {
                return;
            }

            int hellos = _hostHellos;
            int views = _viewsAnswered;
            SendLegitimate(MessageType.HelloRequest, 0);
            _hostOut[Frame.HeaderLength] = BoardSession.ViewIpvs;
            SendLegitimate(MessageType.ViewRequest, 1);
            for (int i = 0; i < FinalTurns && (_hostHellos == hellos || _viewsAnswered == views); i++)
            {
                turn();
            }

            if (_hostHellos == hellos || _viewsAnswered == views)
            {
                throw new FuzzFinding($"{_name}: the legitimate host's HelloRequest and ViewRequest went unanswered ({_hostHellos - hellos} Hello, {_viewsAnswered - views} views)");
            }
        }

        public void CheckClaimTookNothing()
        {
            foreach (Connection c in _connections)
            {
                c.CheckFrames(_keyed);
            }
        }

        private Counters Take() => new(
        [
            ("Refused", _lines.Refused), ("WrongKey", _lines.WrongKey), ("Taken", _lines.Taken),
            ("SessionsBroken", _session.SessionsBroken), ("FramesReceived", _session.FramesReceived), ("GarbageBytes", _session.GarbageBytes),
            ("SnapshotsApplied", _session.SnapshotsApplied), ("SnapshotsRefused", _session.SnapshotsRefused),
            ("BadMacs", _session.Trust?.BadMacs ?? 0), ("OutOfSequence", _session.Trust?.OutOfSequence ?? 0),
        ]);
    }

    private sealed class Counters((string Name, long Value)[] values)
    {
        private readonly (string Name, long Value)[] _values = values;

        public string? ShrunkFrom(Counters before)
        {
            for (int i = 0; i < _values.Length; i++)
            {
                if (_values[i].Value < before._values[i].Value)
                {
                    return $"{_values[i].Name} ({before._values[i].Value} to {_values[i].Value})";
                }
            }

            return null;
        }
    }

    /// <summary>A whole frame the board wrote (its bytes from the header to the CRC).</summary>
    private sealed class Sent(byte[] bytes)
    {
        public readonly byte[] Bytes = bytes;

        public byte Type => Bytes[3];

        public ushort RequestId => NetworkOrder.ReadU16(Bytes, 4);

        public int PayloadLength => Bytes.Length - Frame.HeaderLength - Frame.TrailerLength;

        /// <summary>Null when these bytes are one whole frame with a good CRC, else what is wrong.</summary>
        public static string? Whole(byte[] b, int offset, int length)
        {
            if (length < Frame.HeaderLength + Frame.TrailerLength || b[offset] != Frame.Magic1 || b[offset + 1] != Frame.Magic2 || b[offset + 2] != Frame.Version)
            {
                return $"{length} bytes that do not start a frame";
            }

            int payload = NetworkOrder.ReadU16(b, offset + 6);
            if (Frame.HeaderLength + payload + Frame.TrailerLength != length)
            {
                return $"a write of {length} bytes holding a frame of {Frame.HeaderLength + payload + Frame.TrailerLength}";
            }

            return Crc32.Compute(b, offset + 2, Frame.HeaderLength - 2 + payload) == NetworkOrder.ReadU32(b, offset + Frame.HeaderLength + payload) ? null : "a frame with a bad CRC";
        }
    }

    // Hello's fields up to the trust field, then the trust field (the nonce into `nonce` when there is one).
    private static bool ReadHello(Sent hello, out int trust, out string? cluster, out uint keyId, byte[] nonce)
    {
        var r = new PayloadReader();
        r.Begin(hello.Bytes, Frame.HeaderLength, hello.PayloadLength);
        r.String();
        r.String();
        r.Address();
        r.Int();
        r.Varint();
        r.Int();
        r.Int();
        trust = r.Int();
        cluster = r.String();
        keyId = r.Address();
        if (trust == Messages.LineAuthenticate)
        {
            r.Raw(nonce, 0, SessionAuth.NonceLength);
        }

        r.Int(); // TLS sessions: 0 on a WROOM board
        r.Int(); // the memory it offers pods
        r.Int(); // the containers it runs across its pods
        r.Int(); // and their probes
        return !r.Failed && r.AtEnd;
    }

    /// <summary>The board's management port in memory: connections wait in the backlog until the board accepts them.</summary>
    private sealed class Listener(ManualClock clock) : IManagementListener
    {
        private readonly Queue<Connection> _backlog = new();

        public void Connect(Connection c) => _backlog.Enqueue(c);

        public IByteStream Accept()
        {
            if (_backlog.Count == 0)
            {
                return null!;
            }

            Connection c = _backlog.Dequeue();
            c.AcceptedAt = clock.Now;
            return c;
        }

        public void Close(IByteStream line) => ((Connection)line).BoardCloses++;
    }

    /// <summary>
    /// A TCP connection to the board's management port: the host's bytes wait until the board
    /// reads them (at most 64 a read, as a segment brings them; what came before the host hung up
    /// is still read, then -1); every write of the board must be one whole frame, kept.
    /// </summary>
    private sealed class Connection(int index) : IByteStream
    {
        private const int ReadChunk = 64;
        private readonly Queue<byte> _toBoard = new();
        private readonly byte[] _nonce = new byte[SessionAuth.NonceLength];
        private int _checked;

        public readonly int Index = index;
        public readonly List<Sent> Frames = [];
        public readonly HashSet<string> Nonces = [];
        public string? NonceCounted;
        public long AcceptedAt = -1;
        public int BoardCloses;
        public bool HostClosed;
        public bool WroteAfterClose;
        public string? Problem;
        public int Opened;
        public long BytesFromBoard;
        public bool WasSessionLine;


        /// <summary>The nonce of the last Hello the board sent here (zeros before one, or on a board without a key).</summary>
        public byte[] Nonce => _nonce;

        public void ToBoard(byte[] b, int offset, int length)
        {
            for (int i = 0; i < length; i++)
            {
                _toBoard.Enqueue(b[offset + i]);
            }
        }

        public int Read(byte[] buffer, int offset, int length)
        {
            if (BoardCloses > 0)
            {
                return -1;
            }

            if (_toBoard.Count == 0)
            {
                return HostClosed ? -1 : 0;
            }

            int n = 0;
            while (n < length && n < ReadChunk && _toBoard.Count > 0)
            {
                buffer[offset + n++] = _toBoard.Dequeue();
            }

            return n;
        }

        public int Write(byte[] buffer, int offset, int length)
        {
            if (BoardCloses > 0)
            {
                WroteAfterClose = true;
                return -1;
            }

            if (HostClosed)
            {
                return -1;
            }

            BytesFromBoard += length;
            string? problem = Sent.Whole(buffer, offset, length);
            if (problem != null)
            {
                Problem ??= problem;
            }
            else
            {
                Frames.Add(new Sent(buffer.AsSpan(offset, length).ToArray()));
            }

            return length;
        }

        /// <summary>What the board wrote here since the last check: whole frames, of the types a connection that proved nothing may get.</summary>
        public void CheckFrames(bool keyed)
        {
            if (Problem != null)
            {
                throw new FuzzFinding($"connection {Index}: the board wrote {Problem}");
            }

            for (; _checked < Frames.Count; _checked++)
            {
                Sent f = Frames[_checked];
                switch (f.Type)
                {
                    case MessageType.Hello:
                        if (!ReadHello(f, out int trust, out string? cluster, out uint keyId, _nonce))
                        {
                            throw new FuzzFinding($"connection {Index}: a Hello that does not read back");
                        }

                        if (keyed && (trust != Messages.LineAuthenticate || cluster != "lab" || keyId != new SessionAuth(SessionAuth.Host, ClusterKey, 0).KeyId))
                        {
                            throw new FuzzFinding($"connection {Index}: the keyed board's Hello says trust {trust}, cluster \"{cluster}\", key {keyId:x8}");
                        }

                        if (!keyed && (trust != Messages.LineNoKey || cluster != null || keyId != 0))
                        {
                            throw new FuzzFinding($"connection {Index}: the board without a key says trust {trust}, cluster \"{cluster}\", key {keyId:x8}");
                        }

                        if (keyed)
                        {
                            Nonces.Add(Convert.ToHexString(_nonce));
                        }

                        break;
                    case MessageType.AuthRefused:
                        break;
                    case MessageType.Ack or MessageType.Settings or MessageType.Heartbeat when !keyed:
                        break;
                    default:
                        throw new FuzzFinding($"connection {Index}: {(keyed ? "the keyed board" : "the board without a key")} sent a connection that proved nothing a frame of type {f.Type}");
                }
            }
        }
    }

    /// <summary>A board's flash in memory.</summary>
    private sealed class Storage : IStorage
    {
        private readonly Dictionary<string, byte[]> _records = [];

        public byte[] Read(string key) => _records.TryGetValue(key, out byte[]? record) ? record : null!;

        public bool Write(string key, byte[] buffer, int offset, int length)
        {
            _records[key] = buffer.AsSpan(offset, length).ToArray();
            return true;
        }
    }

    public override IEnumerable<KeyValuePair<string, byte[]>> Seeds()
    {
        byte[] helloRequest = Record(MessageType.HelloRequest, 1, []);
        byte[] claim = Record(MessageType.Claim, 2, []);
        yield return new("hello-request", [OpenRecord, .. helloRequest]);
        yield return new("hello-request-twice", [OpenRecord, .. helloRequest, .. helloRequest]);
        yield return new("hello-request-flood", [OpenRecord, .. Enumerable.Repeat(helloRequest, 24).SelectMany(r => r), WaitRecord, 1, .. Enumerable.Repeat(helloRequest, 8).SelectMany(r => r)]);
        yield return new("wrong-key-proof", [OpenRecord, ProofRecord, 0]);
        yield return new("replayed-proof", [OpenRecord, ProofRecord, 1]);
        yield return new("stale-nonce-proof", [OpenRecord, ProofRecord, 2]);
        yield return new("reflected-proof", [OpenRecord, ProofRecord, 3]);
        yield return new("relayed-proof", [OpenRecord, ProofRecord, 4]);
        yield return new("random-proof", [OpenRecord, .. Record(MessageType.AuthProof, 3, [.. Enumerable.Range(0, 48).Select(i => (byte)(i * 37))])]);
        yield return new("short-proof", [OpenRecord, .. Record(MessageType.AuthProof, 4, [1, 2, 3, 4, 5, 6, 7, 8])]);
        yield return new("claim", [OpenRecord, .. claim]);
        yield return new("claim-then-state-exec-and-key", [
            OpenRecord, .. claim, .. Record(MessageType.SettingsRequest, 3, []),
            .. Record(MessageType.Snapshot, 4, FuzzFixtures.Parts(FuzzFixtures.Encode(new DesiredState { Generation = 7, PodNetwork = TestCluster.PodNetwork(1) }), false, 7, Frame.MaxPayload)[0]),
            .. Record(MessageType.ExecRequest, 5, Payload(w => { w.String("default"); w.String("client"); w.Int(1); w.String("ps"); w.String(null); })),
            .. Record(MessageType.ViewRequest, 6, [1]),
            .. Record(MessageType.SettingsUpdate, 7, Settings("claimed", ClusterKey, BoardSession.SetKey)),
            .. Record(MessageType.SettingsUpdate, 8, Settings("stranger", OtherKey, BoardSession.SetKey)),
            .. Record(MessageType.HelloRequest, 9, []),
        ]);
        yield return new("claim-settings-without-key", [OpenRecord, .. claim, .. Record(MessageType.SettingsUpdate, 3, Settings("claimed", null, BoardSession.KeepKey))]);
        yield return new("claim-closed-then-claimed-again", [
            OpenRecord, .. claim, .. Record(MessageType.SettingsUpdate, 3, Settings("first", ClusterKey, BoardSession.SetKey)), CloseRecord,
            OpenRecord, .. claim, .. Record(MessageType.SettingsUpdate, 4, Settings("second", OtherKey, BoardSession.SetKey)),
        ]);
        yield return new("claim-then-proof", [OpenRecord, .. claim, ProofRecord, 0]);
        yield return new("proof-then-claim", [OpenRecord, ProofRecord, 0, .. claim]);
        yield return new("snapshot-and-exec-unproved", [
            OpenRecord, .. Record(MessageType.ExecRequest, 5, Payload(w => { w.String("default"); w.String("web"); w.Int(1); w.String("ps"); w.String(null); })),
            .. Record(MessageType.Rekey, 6, [0]), .. Record(MessageType.SettingsUpdate, 7, Settings("x", OtherKey, BoardSession.SetKey)),
        ]);
        yield return new("raw-garbage", [OpenRecord, RawRecord, 40, .. Enumerable.Range(0, 40).Select(i => (byte)(i * 71 + 3))]);
        yield return new("frame-in-pieces", [OpenRecord, RawRecord, 5, .. Sealed(MessageType.HelloRequest, 1, [])[..5], WaitRecord, 2, RawRecord, 7, .. Sealed(MessageType.HelloRequest, 1, [])[5..]]);
        yield return new("oversized-frame", [OpenRecord, RawRecord, 8, (byte)'E', (byte)'g', 1, MessageType.AuthProof, 0, 1, 0x10, 0x00, .. helloRequest]);
        yield return new("silence", [OpenRecord, WaitRecord, 255]);
        yield return new("close-before-proof", [OpenRecord, .. helloRequest, CloseRecord]);
        yield return new("close-in-backlog", [OpenRecord, OpenRecord, .. helloRequest, CloseRecord]);
        yield return new("flood-within-patience", [OpenRecord, OpenRecord, OpenRecord, OpenRecord, OpenRecord, OpenRecord, .. helloRequest]);
        yield return new("connections-past-patience", [
            OpenRecord, .. helloRequest, WaitRecord, 40, OpenRecord, .. helloRequest, WaitRecord, 40, OpenRecord, ProofRecord, 0, SelectRecord, 0, .. helloRequest,
        ]);
        yield return new("legitimate-requests", [LegitRecord, 0, OpenRecord, LegitRecord, 1 + 4 * 3, .. helloRequest, LegitRecord, 2, LegitRecord, 3, WaitRecord, 70, LegitRecord, 1 + 4 * 4]);
        yield return new("legitimate-while-waiting", [OpenRecord, LegitRecord, 5, WaitRecord, 100, LegitRecord, 9, WaitRecord, 100, ProofRecord, 1]);
        yield return new("tampered-unsealed-frame", [TamperRecord, .. Record(MessageType.ViewRequest, 9, [1]), OpenRecord, ProofRecord, 1]);
        yield return new("tampered-short-frame", [LegitRecord, 0, TamperRecord, .. Record(MessageType.HelloRequest, 9, [])]);
        yield return new("replayed-legitimate-frame", [LegitRecord, 1, ReplayRecord, 0, OpenRecord, .. claim]);
        yield return new("reflected-board-frame", [LegitRecord, 0, WaitRecord, 70, ReplayRecord, 1, OpenRecord, ProofRecord, 2]);
        yield return new("unknown-type", [OpenRecord, .. Record(0x42, 9, [1, 2, 3])]);
    }

    /// <summary>A script record for a frame on the current connection.</summary>
    public static byte[] Record(byte type, ushort request, byte[] payload) =>
        [type, (byte)(request >> 8), (byte)request, (byte)Math.Min(payload.Length, 255), .. payload.Take(255)];

    private static byte[] Sealed(byte type, ushort request, byte[] payload)
    {
        byte[] frame = new byte[Frame.HeaderLength + payload.Length + Frame.TrailerLength];
        payload.CopyTo(frame, Frame.HeaderLength);
        return frame[..Frame.Seal(frame, 0, type, request, payload.Length)];
    }

    private static byte[] Payload(Action<PayloadWriter> write)
    {
        byte[] buffer = new byte[1024];
        var w = new PayloadWriter();
        w.Begin(buffer, 0, buffer.Length);
        write(w);
        return buffer[..w.Length];
    }

    // A SettingsUpdate: the settings, restart, the key action.
    private static byte[] Settings(string name, byte[]? key, int keyAction) => Payload(w =>
    {
        new BoardSettings { Name = name, Cluster = key != null ? "lab" : "", Key = key }.Write(w, key != null);
        w.Bool(false);
        w.Int(keyAction);
    });
}
