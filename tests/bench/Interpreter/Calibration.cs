// nanoFramework C#: no nullable annotations there.
#nullable disable

namespace Edge.Bench.Interpreter
{
    /// <summary>
    /// The shape of the loops whose speed on an ESP32 is known (shared/design/NANOFRAMEWORK.md:
    /// a tight GPIO toggle loop ran at 27-81 kHz): a loop around one native call, as
    /// <c>pin.Toggle()</c> is, and the same call inside a lock, as <c>pin.Write(value)</c> takes
    /// one. Timed on this machine's nanoCLR, they say how much slower a board runs the same
    /// interpreter (<see cref="Edge.Bench.BoardEstimate"/>). One step is a thousand rounds.
    /// </summary>
    public sealed class Calibration : SpeedScenario
    {
        public const int Rounds = 1000;

        private readonly bool _locked;
        private readonly object _lock = new object();
        private readonly string _text = "edge";
        private int _sum;

        public Calibration(bool locked)
        {
            _locked = locked;
        }

        public override string Name
        {
            get { return _locked ? "calibrate-locked-call" : "calibrate-native-call"; }
        }

        public override string Unit
        {
            get { return "1000 rounds"; }
        }

        public override void Setup()
        {
        }

        public override bool Step()
        {
            string text = _text;
            int sum = _sum;
            if (_locked)
            {
                for (int i = 0; i < Rounds; i++)
                {
                    lock (_lock)
                    {
                        sum += text.Length; // String.Length is a native method in nanoFramework's mscorlib
                    }
                }
            }
            else
            {
                for (int i = 0; i < Rounds; i++)
                {
                    sum += text.Length;
                }
            }

            _sum = sum;
            return sum != 0;
        }
    }
}
