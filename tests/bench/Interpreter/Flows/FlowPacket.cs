// nanoFramework C#: no nullable annotations there.
#nullable disable

using Edge.Dataplane.Net;

namespace Edge.Bench.Interpreter
{
    /// <summary>
    /// A <see cref="FlowBoard"/>'s packet timed with flow events recorded ("on"), not recorded
    /// on the same board ("off": its writers hold no ring, as on a board that keeps none), or on a
    /// board made with FlowEvents = 0 ("none": <c>Node.Flows</c> null). Off and on share one
    /// board, so they differ by the recording alone: two boards made alike differ by a few
    /// percent on nanoCLR by where their objects fell in the heap, as much as an event costs.
    /// Each step checks that the packet went as it should, and every 256th that the ring got
    /// exactly the events expected (on: 1, 0, 1, 2 a packet; off: none; none: no ring).
    /// </summary>
    public sealed class FlowPacket : SpeedScenario
    {
        public const string On = "on";
        public const string Off = "off";
        public const string None = "none";

        private readonly FlowBoard _board;
        private readonly int _kind;
        private readonly string _mode;
        private long _steps;
        private long _writtenBefore;

        public FlowPacket(FlowBoard board, int kind, string mode)
        {
            _board = board;
            _kind = kind;
            _mode = mode;
        }

        public override string Name
        {
            get { return "flows-" + FlowBoard.KindName(_kind) + "-" + _mode; }
        }

        public override string Unit
        {
            get { return "packet"; }
        }

        public override void Setup()
        {
            _board.Record(_mode == On);
            _steps = 0;
            _writtenBefore = _board.Flows != null ? _board.Flows.Written : 0;
        }

        public override bool Step()
        {
            if (!_board.Packet())
            {
                return false;
            }

            // The events written, checked every 256 packets: the same work whether they are recorded, and next to nothing a packet.
            _steps++;
            return (_steps & 0xFF) != 0 || EventsAsExpected();
        }

        private bool EventsAsExpected()
        {
            FlowLog flows = _board.Flows;
            if (_mode == None)
            {
                return flows == null;
            }

            long expected = _mode == On ? _steps * FlowBoard.EventsPerPacket(_kind) : 0;
            return flows != null && flows.Written - _writtenBefore == expected;
        }
    }
}
