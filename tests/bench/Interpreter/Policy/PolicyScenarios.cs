// nanoFramework C#: no nullable annotations there.
#nullable disable

namespace Edge.Bench.Interpreter
{
    /// <summary>
    /// What `bench -- policy` times, on CoreCLR and on nanoCLR in the same run: the forward hook
    /// alone and a whole packet across two boards, for a connection's first packet and for an
    /// established one, with 0, 1, 10 and 100 policies (and, for the whole packet, none ever
    /// enforced); then the two calibration loops for the ESP32 estimate. Every scenario is timed
    /// in <see cref="Rounds"/> rounds of them all, and the least time kept: a burst of the
    /// machine's other work lands in one round of a scenario, not in all of them.
    /// </summary>
    public static class PolicyScenarios
    {
        public const int Rounds = 3;
        public const long TargetTicks = 2000000; // a fifth of a second a scenario and round

        public static SpeedScenario[] All()
        {
            return new SpeedScenario[]
            {
                new PolicyHookPacket(0, false),
                new PolicyHookPacket(1, false),
                new PolicyHookPacket(10, false),
                new PolicyHookPacket(100, false),
                new PolicyHookPacket(0, true),
                new PolicyHookPacket(1, true),
                new PolicyHookPacket(10, true),
                new PolicyHookPacket(100, true),
                new PolicyNodePacket(-1, false),
                new PolicyNodePacket(0, false),
                new PolicyNodePacket(1, false),
                new PolicyNodePacket(10, false),
                new PolicyNodePacket(100, false),
                new PolicyNodePacket(-1, true),
                new PolicyNodePacket(0, true),
                new PolicyNodePacket(1, true),
                new PolicyNodePacket(10, true),
                new PolicyNodePacket(100, true),
                new Calibration(false),
                new Calibration(true),
            };
        }
    }
}
