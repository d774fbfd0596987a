#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.Mgmt;
using nanoFramework.TestFramework;
using Assert = nanoFramework.TestFramework.Assert;

namespace Edge.Dataplane.NfTests
{
    /// <summary>The host-board protocol on the board: a snapshot decodes to what was encoded, and a frame survives noise.</summary>
    [TestClass]
    public class MgmtTests
    {
        [TestMethod]
        public void A_snapshot_decodes_to_what_was_encoded()
        {
            var state = new DesiredState { Generation = 7, PodNetwork = 0x0AF40100 };
            state.Pods = new PodSpec[] { new PodSpec { Namespace = "default", Name = "web", Uid = "u-1", Address = 0x0AF40102, Image = "whoami" } };
            byte[] buffer = new byte[1024];
            var w = new PayloadWriter();
            w.Begin(buffer, 0, buffer.Length);
            StateCodec.Encode(state, w);
            Assert.IsFalse(w.Overflow);

            var r = new PayloadReader();
            r.Begin(buffer, 0, w.Length);
            DesiredState decoded = StateCodec.Decode(r);

            Assert.IsNotNull(decoded);
            Assert.AreEqual(7u, decoded.Generation);
            Assert.AreEqual("web", decoded.Pods[0].Name);
            Assert.AreEqual(0x0AF40102u, decoded.Pods[0].Address);
        }

        [TestMethod]
        public void A_frame_after_garbage_is_read_whole()
        {
            byte[] frame = new byte[Frame.HeaderLength + 3 + Frame.TrailerLength];
            frame[Frame.HeaderLength] = 1;
            frame[Frame.HeaderLength + 1] = 2;
            frame[Frame.HeaderLength + 2] = 3;
            int length = Frame.Seal(frame, 0, MessageType.Heartbeat, 9, 3);
            byte[] stream = new byte[7 + length];
            stream[0] = 0xff;
            stream[3] = 0x42;
            System.Array.Copy(frame, 0, stream, 7, length);

            var reader = new FrameReader(256);
            reader.Push(stream, 0, stream.Length);

            Assert.IsTrue(reader.Next());
            Assert.AreEqual(MessageType.Heartbeat, reader.Type);
            Assert.AreEqual((ushort)9, reader.RequestId);
            Assert.AreEqual(3, reader.PayloadLength);
            Assert.AreEqual(7L, reader.GarbageBytes);
        }
    }
}
