// nanoFramework C#: no nullable annotations there.
#nullable disable

using System;

namespace Edge.Bench.Interpreter
{
    /// <summary>
    /// Times each scenario: a warm-up, then batches that double until one lasts at least the
    /// target, whose time per iteration is kept (DateTime ticks: nanoCLR's clock steps in
    /// microseconds, so a batch of a quarter second or more is exact enough). Prints a line per
    /// scenario: "speed NAME ITERATIONS TICKS" (100 ns ticks), or "speed NAME failed" when a
    /// step did not do what it should.
    /// </summary>
    public static class SpeedRunner
    {
        public static SpeedScenario[] All()
        {
            return new SpeedScenario[]
            {
                new ClusterIpPacket(),
                new PodToPodAcrossBoards(),
                new DnsAnswer(),
                new ApplySnapshot(),
                new HmacFrame(64),
                new HmacFrame(2560),
                new SealedFrame(64),
                new SealedFrame(2560),
                new Calibration(false),
                new Calibration(true),
            };
        }

        public static void RunAll(long targetTicks)
        {
            SpeedScenario[] all = All();
            for (int i = 0; i < all.Length; i++)
            {
                Console.WriteLine(Run(all[i], targetTicks));
            }
        }

        public static string Run(SpeedScenario scenario, long targetTicks)
        {
            scenario.Setup();
            for (int i = 0; i < 20; i++)
            {
                if (!scenario.Step())
                {
                    return "speed " + scenario.Name + " failed";
                }
            }

            int iterations = 16;
            while (true)
            {
                long start = DateTime.UtcNow.Ticks;
                for (int i = 0; i < iterations; i++)
                {
                    if (!scenario.Step())
                    {
                        return "speed " + scenario.Name + " failed";
                    }
                }

                long elapsed = DateTime.UtcNow.Ticks - start;
                if (elapsed >= targetTicks || iterations >= 1 << 24)
                {
                    return "speed " + scenario.Name + " " + iterations + " " + elapsed;
                }

                iterations *= 2;
            }
        }
    }
}
