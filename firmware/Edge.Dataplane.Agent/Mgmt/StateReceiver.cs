using Edge.Dataplane.Trust;

namespace Edge.Dataplane.Mgmt
{
    /// <summary>
    /// The board's side of a state in parts (<see cref="StatePart"/>): each Snapshot or Delta frame
    /// is decoded where it arrived, as far as it goes, and between parts the board keeps only the
    /// decode's cursor (<see cref="StateDecoder"/>), never the state's bytes. It answers once: after
    /// the last part, with the state, or at the first part that breaks the rules, with why:
    /// <list type="bullet">
    /// <item>part 0 starts a state, and supersedes one whose parts stopped coming (the host gave up
    /// on it: it sends one state at a time);</item>
    /// <item>every later part must be the next of the same generation and kind, and say how many
    /// bytes follow it consistently with the part before; one missing, repeated, out of order or
    /// of another generation refuses the state, and the rest of that generation's parts are
    /// dropped without an answer (the host has its refusal, and sends a snapshot);</item>
    /// <item>a state longer than <see cref="StatePart.MaxParts"/> of the board's frames is refused
    /// at its first part.</item>
    /// </list>
    /// A state left half way (refused, superseded, its line gone: <see cref="Abandon"/>) is never
    /// applied or acknowledged; the board keeps its applied generation. The services and DNS entries
    /// already put into the live tables as they were decoded stay there, as they do when a state
    /// in one frame is refused half way: the host's next state (a full snapshot, after a refusal
    /// or a new line) sets them right.
    /// </summary>
    public sealed class StateReceiver
    {
        private readonly int _maxState;
        private StateDecoder _decoder;
        private uint _generation;
        private int _nextPart;
        private int _following;

        // The generation last refused: its later parts are dropped quietly (0: none; generations start at 1).
        private uint _refused;

        /// <param name="maxPayload">The largest frame payload the board takes (what its Hello says).</param>
        public StateReceiver(int maxPayload)
        {
            _maxState = StatePart.MaxParts * maxPayload;
        }

        /// <summary>Whether a state is part way (its first part taken, its last not yet).</summary>
        public bool Receiving
        {
            get { return _decoder != null; }
        }

        /// <summary>Forgets the state part way (its line is gone): its parts will not come on another.</summary>
        public void Abandon()
        {
            _decoder = null;
        }

        /// <summary>
        /// Takes one part: <paramref name="part"/> is begun on the frame's payload (the part header
        /// first). True when an answer is due: the whole state in <paramref name="state"/>, or
        /// <paramref name="error"/>; false while more parts are to come, or for a part dropped
        /// quietly. <paramref name="held"/> and <paramref name="appliedGeneration"/> are what the
        /// board runs; <paramref name="sink"/> takes services and DNS entries as they are decoded;
        /// <paramref name="keys"/> is the line's established session (null: none).
        /// </summary>
        public bool Take(bool delta, PayloadReader part, DesiredState held, uint appliedGeneration, IStateSink sink, SessionAuth keys, out DesiredState state, out string error)
        {
            state = null;
            error = null;
            uint generation = part.Varint();
            int index = part.Int();
            int following = part.Int();
            if (part.Failed || index < 0 || following < 0)
            {
                error = Kind(delta) + " part damaged";
                return true; // no generation to remember: its other parts are refused one by one
            }

            if (index > 0 && generation == _refused && (_decoder == null || generation != _generation))
            {
                return false; // the rest of a refused state: its refusal has gone
            }

            error = index == 0 ? Begin(delta, part, generation, following, held, appliedGeneration, sink, keys) : Continue(delta, generation, index, following, part.Left);
            if (error == null)
            {
                part.Beyond = following;
                while (!part.Failed && !_decoder.Done && !part.AtEnd)
                {
                    _decoder.Step(part); // as StateDecoder.Read, one frame less under the sink
                }

                if (part.Failed)
                {
                    error = Kind(delta) + " damaged or of another format (in part " + index.ToString() + ")";
                }
                else if (following == 0 && !_decoder.Done)
                {
                    error = Kind(delta) + " damaged: its last part ends before the state";
                }
                else if (following > 0 && _decoder.Done)
                {
                    error = Kind(delta) + " damaged: the state ends in part " + index.ToString() + ", before the parts said to follow";
                }
                else if (following == 0 && _decoder.State.Generation != generation)
                {
                    error = "the parts of generation " + generation.ToString() + " carry generation " + _decoder.State.Generation.ToString();
                }
            }

            if (error != null)
            {
                Refuse(generation);
                return true;
            }

            _nextPart = index + 1;
            _following = following;
            if (following > 0)
            {
                return false;
            }

            state = _decoder.State;
            _decoder = null;
            return true;
        }

        // Part 0: a new state (any part way is superseded); null, or why it is refused.
        private string Begin(bool delta, PayloadReader part, uint generation, int following, DesiredState held, uint appliedGeneration, IStateSink sink, SessionAuth keys)
        {
            _decoder = null;
            if (following > _maxState - part.Left)
            {
                return "a state of " + (part.Left + following).ToString() + " bytes is more than this board takes (" + _maxState.ToString() + ": "
                    + StatePart.MaxParts.ToString() + " frames)";
            }

            if (delta && (held == null || StateDelta.BaseGeneration(part) != appliedGeneration))
            {
                return "delta for another generation than the applied " + appliedGeneration.ToString() + ": send a snapshot";
            }

            _decoder = new StateDecoder(delta, held, sink, keys);
            _generation = generation;
            return null;
        }

        // A later part: the next of the state part way; null, or why the state is refused.
        private string Continue(bool delta, uint generation, int index, int following, int body)
        {
            if (_decoder == null || generation != _generation)
            {
                return _decoder == null
                    ? "part " + index.ToString() + " of generation " + generation.ToString() + " came without the parts before it"
                    : "part " + index.ToString() + " of generation " + generation.ToString() + " came while generation " + _generation.ToString() + " was arriving";
            }

            if (_decoder.Delta != delta)
            {
                return "part " + index.ToString() + " of generation " + generation.ToString() + " is a " + Kind(delta) + " part in a " + Kind(_decoder.Delta);
            }

            if (index != _nextPart)
            {
                return index < _nextPart
                    ? "part " + index.ToString() + " of generation " + generation.ToString() + " came again"
                    : "part " + index.ToString() + " of generation " + generation.ToString() + " came where part " + _nextPart.ToString() + " was due: a part was lost";
            }

            if (following != _following - body)
            {
                return "part " + index.ToString() + " of generation " + generation.ToString() + " does not follow on: it says " + following.ToString()
                    + " bytes follow it, the parts before said " + (_following - body).ToString();
            }

            return null;
        }

        private void Refuse(uint generation)
        {
            _decoder = null;
            _refused = generation;
        }

        private static string Kind(bool delta)
        {
            return delta ? "delta" : "snapshot";
        }
    }
}
