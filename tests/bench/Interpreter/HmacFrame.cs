// nanoFramework C#: no nullable annotations there.
#nullable disable

using Edge.Dataplane.Trust;

namespace Edge.Bench.Interpreter
{
    /// <summary>
    /// What authenticating the management line would cost a frame: HMAC-SHA256 under a cluster
    /// key over a frame of the given length (a heartbeat is about 64 bytes; a WROOM board's
    /// largest snapshot frame 2,560), and the check of the MAC that came with it.
    /// </summary>
    public sealed class HmacFrame : SpeedScenario
    {
        private readonly int _length;
        private HmacSha256 _hmac;
        private byte[] _frame;
        private readonly byte[] _mac = new byte[HmacSha256.MacLength];

        public HmacFrame(int length)
        {
            _length = length;
        }

        public override string Name
        {
            get { return "hmac-frame-" + _length.ToString(); }
        }

        public override string Unit
        {
            get { return "frame"; }
        }

        public override void Setup()
        {
            byte[] key = new byte[32];
            for (int i = 0; i < key.Length; i++)
            {
                key[i] = (byte)(i * 29 + 7);
            }

            _hmac = new HmacSha256(key, 0, key.Length);
            _frame = new byte[_length];
            for (int i = 0; i < _frame.Length; i++)
            {
                _frame[i] = (byte)i;
            }

            _hmac.Compute(_frame, 0, _frame.Length, _mac, 0);
        }

        public override bool Step()
        {
            return _hmac.Verify(_frame, 0, _frame.Length, _mac, 0);
        }
    }
}
