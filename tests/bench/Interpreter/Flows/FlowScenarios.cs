// nanoFramework C#: no nullable annotations there.
#nullable disable

namespace Edge.Bench.Interpreter
{
    /// <summary>
    /// What `bench -- flows` times, on CoreCLR and on nanoCLR in the same run: a connection's
    /// first packet to a ClusterIP, an established one, one rejected (a service with no
    /// endpoint) and one a policy denied, each through a board keeping flow events and one that
    /// keeps none (<see cref="FlowPacket"/>: off and on on one board, side by side, then a board
    /// made without a ring); one event recorded alone
    /// (<see cref="FlowRecord"/>); then the two calibration loops for the ESP32 estimate. Every
    /// scenario is timed in <see cref="Rounds"/> rounds of them all and the least time kept: a
    /// burst of the machine's other work lands in one round of a scenario, not in all of them.
    /// </summary>
    public static class FlowScenarios
    {
        public const int Rounds = 5;
        public const long TargetTicks = 2000000; // a fifth of a second a scenario and round

        public static SpeedScenario[] All()
        {
            int[] kinds = new int[] { FlowBoard.First, FlowBoard.Established, FlowBoard.Rejected, FlowBoard.Denied };
            SpeedScenario[] all = new SpeedScenario[kinds.Length * 3 + 4];
            for (int i = 0; i < kinds.Length; i++)
            {
                var board = new FlowBoard(kinds[i], 256);
                all[3 * i] = new FlowPacket(board, kinds[i], FlowPacket.Off);
                all[3 * i + 1] = new FlowPacket(board, kinds[i], FlowPacket.On);
                all[3 * i + 2] = new FlowPacket(new FlowBoard(kinds[i], 0), kinds[i], FlowPacket.None);
            }

            all[3 * kinds.Length] = new FlowRecord(false);
            all[3 * kinds.Length + 1] = new FlowRecord(true);
            all[3 * kinds.Length + 2] = new Calibration(false);
            all[3 * kinds.Length + 3] = new Calibration(true);
            return all;
        }
    }
}
