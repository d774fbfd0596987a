using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Platform;

namespace Edge.Dataplane.Agent
{
    /// <summary>
    /// Which connection on the management port holds the board's session. A connection that
    /// comes while no control plane has spoken takes the session at once (the board says Hello
    /// to it). Once the session's line has carried a valid frame, a newcomer is only a candidate:
    /// it takes the session when it sends a valid frame of its own (a restarted or moved control
    /// plane asks for Hello at once), and is hung up, and counted, if it sends none within
    /// <see cref="CandidateMs"/>. Port scans and garbage on a workshop LAN so cannot take a board
    /// from its control plane; a frame's CRC is not authentication, which the cluster key brings.
    /// </summary>
    public sealed class ControlPlaneLine
    {
        /// <summary>How long a newcomer has to send a valid frame while a control plane holds the session.</summary>
        public const int CandidateMs = 1000;

        // Room for the small frames a control plane opens with (a HelloRequest has no payload).
        private const int CandidatePayload = 64;

        private readonly IManagementListener _listener;
        private readonly BoardSession _session;
        private IByteStream _line;
        private long _framesAtAttach;
        private IByteStream _candidate;
        private long _candidateSince;
        private FrameReader _candidateReader;

        /// <summary>Connections hung up without taking the session: no valid frame within <see cref="CandidateMs"/>, closed, or replaced by a newer one.</summary>
        public long Refused;

        /// <summary>Connections that took the session.</summary>
        public long Taken;

        public ControlPlaneLine(IManagementListener listener, BoardSession session)
        {
            _listener = listener;
            _session = session;
        }

        /// <summary>The line that holds the session, or null.</summary>
        public IByteStream Line
        {
            get { return _line; }
        }

        /// <summary>Whether the session's line has carried a valid frame since it took the session.</summary>
        public bool Spoken
        {
            get { return _line != null && _session.FramesReceived > _framesAtAttach; }
        }

        /// <summary>Takes a waiting connection and settles a candidate; true when the session moved to another line this turn.</summary>
        public bool Poll(long now)
        {
            IByteStream accepted = _listener.Accept();
            if (accepted != null)
            {
                if (!Spoken)
                {
                    Take(accepted, now);
                    return true;
                }

                if (_candidate != null)
                {
                    Hangup(_candidate); // the newer connection is the one a reconnecting host is on
                }

                _candidate = accepted;
                _candidateSince = now;
                if (_candidateReader == null)
                {
                    _candidateReader = new FrameReader(CandidatePayload);
                }
            }

            return _candidate != null && Settle(now);
        }

        /// <summary>The session's line closed: let it go (a waiting candidate, if any, is now welcome).</summary>
        public void Drop()
        {
            if (_line != null)
            {
                _listener.Close(_line);
                _line = null;
            }
        }

        private bool Settle(long now)
        {
            int n = _candidateReader.ReadFrom(_candidate);
            if (n >= 0 && _candidateReader.Next())
            {
                Take(TakeCandidate(), now);
                return true;
            }

            if (n < 0 || now - _candidateSince >= CandidateMs)
            {
                Hangup(TakeCandidate());
                return false;
            }

            if (_line == null)
            {
                // The control plane's line went while this one waited: nobody is displaced.
                Take(TakeCandidate(), now);
                return true;
            }

            return false;
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
            _session.Attach(line, now);
            _framesAtAttach = _session.FramesReceived;
        }

        private void Hangup(IByteStream line)
        {
            Refused++;
            _listener.Close(line);
        }
    }
}
