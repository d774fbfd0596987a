using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Trust;

namespace Edge.Dataplane.Agent
{
    /// <summary>
    /// Which connection on the management port holds the board's session: only one that proves
    /// it holds the board's cluster key. Every connection is first a candidate: the board says
    /// Hello to it with a fresh nonce, and the candidate has <see cref="CandidateMs"/> to answer
    /// with its proof (<see cref="SessionAuth"/>). A right proof takes the session (a restarted or
    /// moved control plane of the same cluster replaces the old line); a wrong one is told so,
    /// hung up and counted; silence, garbage or a closed line is hung up and counted. The
    /// session's line is never disturbed by a candidate, so port scans, another cluster's
    /// edgectl or a replayed handshake cannot take a board from its control plane. A board with
    /// no key (never provisioned over USB) says so in its Hello and takes no control plane here:
    /// only a claim (<see cref="MessageType.Claim"/>), a session in which it takes a key and
    /// nothing else, for boards whose console is not wired.
    /// </summary>
    public sealed class ControlPlaneLine
    {
        /// <summary>How long a new connection has to prove the cluster key.</summary>
        public const int CandidateMs = 3000;

        /// <summary>
        /// How long a waiting connection keeps its place against newer ones: a control plane
        /// proves the key within milliseconds of its Hello, so connections opened faster than
        /// this (a flood) cannot push it out before it has had the time.
        /// </summary>
        public const int PatienceMs = 500;

        /// <summary>
        /// Hellos a connection gets before it proves the key: the greeting and answers to two
        /// HelloRequests (a control plane asks once at most). Answering every one would let a peer
        /// that never reads make the board write without bound, until a blocking send stalls the loop.
        /// </summary>
        public const int MaxHellos = 3;

        // Room for what a candidate sends before it has proved anything: HelloRequest, AuthProof.
        private const int CandidatePayload = 64;

        private readonly IManagementListener _listener;
        private readonly BoardSession _session;
        private readonly IRandomSource _random;
        private readonly byte[] _boardNonce = new byte[SessionAuth.NonceLength];
        private readonly byte[] _hostNonce = new byte[SessionAuth.NonceLength];
        private IByteStream _line;
        private IByteStream _candidate;
        private long _candidateSince;
        private FrameReader _candidateReader;
        private int _hellos;

        /// <summary>Connections hung up without proving anything: no proof within <see cref="CandidateMs"/>, closed, replaced by a newer one, or come while another had its turn.</summary>
        public long Refused;

        /// <summary>Connections whose proof was wrong (another cluster's key, or a handshake replayed on a new nonce; or any proof to a board without a key), refused and hung up.</summary>
        public long WrongKey;

        /// <summary>Connections that took the session.</summary>
        public long Taken;

        /// <summary>What the last connection that did not take the session was told, for the board's console.</summary>
        public string LastRefusal;

        public ControlPlaneLine(IManagementListener listener, BoardSession session, IRandomSource random)
        {
            _listener = listener;
            _session = session;
            _random = random;
        }

        /// <summary>The line that holds the session, or null.</summary>
        public IByteStream Line
        {
            get { return _line; }
        }

        /// <summary>Takes a waiting connection and settles a candidate; true when the session moved to another line this turn.</summary>
        public bool Poll(long now)
        {
            IByteStream accepted = _listener.Accept();
            if (accepted != null && _candidate != null && now - _candidateSince < PatienceMs)
            {
                LastRefusal = "a connection came while another had its turn to prove the cluster key";
                Hangup(accepted);
                accepted = null;
            }

            if (accepted != null)
            {
                if (_candidate != null)
                {
                    LastRefusal = "a newer connection came before this one proved the cluster key";
                    Hangup(TakeCandidate()); // its turn is over; the newer one may be a reconnecting host
                }

                _candidate = accepted;
                _candidateSince = now;
                _candidateReader = new FrameReader(CandidatePayload);
                _hellos = 0;
                if (_session.Trust != null)
                {
                    _session.Trust.NewNonce(_random, _boardNonce, 0);
                }

                Greet();
            }

            return _candidate != null && Settle(now);
        }

        /// <summary>The session's line closed: let it go.</summary>
        public void Drop()
        {
            if (_line != null)
            {
                _listener.Close(_line);
                _line = null;
            }
        }

        private void Greet()
        {
            _hellos++;
            SessionAuth trust = _session.Trust;
            _session.SayHelloOn(_candidate, trust == null ? Messages.LineNoKey : Messages.LineAuthenticate, trust == null ? null : _boardNonce);
        }

        private bool Settle(long now)
        {
            int n = _candidateReader.ReadFrom(_candidate);
            while (_candidateReader.Next()) // what arrived before a close still counts
            {
                if (_candidateReader.Type == MessageType.HelloRequest)
                {
                    if (_hellos < MaxHellos)
                    {
                        Greet(); // the same nonce: this connection's
                    }

                    continue;
                }

                // A claim only where nothing holds the session: never over the USB console's (a board
                // whose console is wired is provisioned there), never over another claim.
                if (_candidateReader.Type == MessageType.Claim && _session.Trust == null && _line == null && !_session.Attached)
                {
                    ushort request = _candidateReader.RequestId;
                    IByteStream line = TakeCandidate();
                    _line = line;
                    Taken++;
                    _session.AttachClaim(line, now, request);
                    return true;
                }

                if (_candidateReader.Type != MessageType.AuthProof)
                {
                    continue; // nothing is served before the proof
                }

                if (Proved())
                {
                    Take(TakeCandidate(), now);
                    return true;
                }

                WrongKey++;
                LastRefusal = _session.Trust == null
                    ? "this board has no cluster key: provision it over USB (edgectl board provision --port PORT) to take a control plane on the network"
                    : "this board belongs to cluster \"" + _session.Cluster + "\" (key " + SessionAuth.Describe(_session.Trust.KeyId) + ") and obeys only its control plane; the proof was not of its key on this connection's nonce (another cluster's key, or a replayed handshake)";
                _session.RefuseOn(_candidate, LastRefusal);
                _listener.Close(TakeCandidate());
                return false;
            }

            if (n < 0 || now - _candidateSince >= CandidateMs)
            {
                LastRefusal = n < 0 ? "a connection closed before it proved the cluster key" : "a connection sent no proof of the cluster key in time";
                Hangup(TakeCandidate());
            }

            return false;
        }

        // AuthProof: the host's nonce, then its proof on both nonces.
        private bool Proved()
        {
            SessionAuth trust = _session.Trust;
            FrameReader r = _candidateReader;
            if (trust == null || r.PayloadLength != SessionAuth.NonceLength + SessionAuth.ProofLength)
            {
                return false;
            }

            System.Array.Copy(r.Payload, r.PayloadOffset, _hostNonce, 0, SessionAuth.NonceLength);
            return trust.Check(SessionAuth.Host, _boardNonce, 0, _hostNonce, 0, r.Payload, r.PayloadOffset + SessionAuth.NonceLength);
        }

        private IByteStream TakeCandidate()
        {
            IByteStream line = _candidate;
            _candidate = null;
            _candidateReader = null;
            return line;
        }

        private void Take(IByteStream line, long now)
        {
            if (_line != null)
            {
                _listener.Close(_line);
            }

            _line = line;
            Taken++;
            _session.AttachAuthenticated(line, now, _boardNonce, _hostNonce);
        }

        private void Hangup(IByteStream line)
        {
            Refused++;
            _listener.Close(line);
        }
    }
}
