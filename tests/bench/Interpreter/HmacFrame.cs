// nanoFramework C#: no nullable annotations there.
#nullable disable

using Edge.Dataplane.Trust;

namespace Edge.Bench.Interpreter
{
    /// <summary>
    /// What authenticating the management line would cost a frame: HMAC-SHA256 under a cluster
    /// key over a frame of the given length (a heartbeat is about 64 bytes; a WROOM board's
    /// snapshot frame took up to 2,560 before states crossed in parts, 1,280 since), and the check of the MAC that came with it.
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

namespace Edge.Bench.Interpreter
{
    /// <summary>
    /// What the authenticated management line costs a frame end to end: SessionAuth.Seal on one
    /// side (sequence number, the 16-byte MAC under the session key, the header and CRC) and
    /// SessionAuth.Open on the other (the MAC checked, the sequence number taken), for a body of
    /// the given length (64: a heartbeat; 2,560: a WROOM board's largest frame from the host before states crossed in parts, twice today's).
    /// </summary>
    public sealed class SealedFrame : SpeedScenario
    {
        private readonly int _bodyLength;
        private SessionAuth _sender;
        private SessionAuth _receiver;
        private byte[] _frame;

        public SealedFrame(int bodyLength)
        {
            _bodyLength = bodyLength;
        }

        public override string Name
        {
            get { return "sealed-frame-" + _bodyLength.ToString(); }
        }

        public override string Unit
        {
            get { return "frame"; }
        }

        public override void Setup()
        {
            byte[] key = new byte[SessionAuth.KeyLength];
            for (int i = 0; i < key.Length; i++)
            {
                key[i] = (byte)(i * 29 + 7);
            }

            byte[] boardNonce = new byte[SessionAuth.NonceLength];
            byte[] hostNonce = new byte[SessionAuth.NonceLength];
            for (int i = 0; i < SessionAuth.NonceLength; i++)
            {
                boardNonce[i] = (byte)(i + 0x10);
                hostNonce[i] = (byte)(i + 0x20);
            }

            _sender = new SessionAuth(SessionAuth.Host, key, 0);
            _receiver = new SessionAuth(SessionAuth.Board, key, 0);
            _sender.Establish(boardNonce, 0, hostNonce, 0);
            _receiver.Establish(boardNonce, 0, hostNonce, 0);
            _frame = new byte[Edge.Dataplane.Mgmt.Frame.HeaderLength + _bodyLength + SessionAuth.TrailerLength + Edge.Dataplane.Mgmt.Frame.TrailerLength];
            for (int i = 0; i < _bodyLength; i++)
            {
                _frame[Edge.Dataplane.Mgmt.Frame.HeaderLength + i] = (byte)i;
            }
        }

        public override bool Step()
        {
            _sender.Seal(_frame, 0, Edge.Dataplane.Mgmt.MessageType.Snapshot, 1, _bodyLength);
            return _receiver.Open(_frame, 0, _bodyLength + SessionAuth.TrailerLength);
        }
    }
}
