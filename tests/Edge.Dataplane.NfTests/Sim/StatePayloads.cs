#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.Mgmt;

namespace Edge.Dataplane.NfTests.Sim
{
    /// <summary>A state as the host's codec puts it on the wire, and back as a board reads it.</summary>
    public static class StatePayloads
    {
        public static byte[] Encode(DesiredState state)
        {
            byte[] buffer = new byte[4096];
            var w = new PayloadWriter();
            w.Begin(buffer, 0, buffer.Length);
            StateCodec.Encode(state, w);
            if (w.Overflow)
            {
                throw new System.InvalidOperationException("the state does not fit the test's 4 KiB buffer");
            }
            byte[] payload = new byte[w.Length];
            System.Array.Copy(buffer, payload, w.Length);
            return payload;
        }

        public static DesiredState Decode(byte[] payload, int length)
        {
            var r = new PayloadReader();
            r.Begin(payload, 0, length);
            return StateCodec.Decode(r);
        }
    }
}
