#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.Agent;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.NfTests.Sim;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Wire;
using nanoFramework.TestFramework;
using Assert = nanoFramework.TestFramework.Assert;

namespace Edge.Dataplane.NfTests
{
    /// <summary>
    /// A state larger than the board's frame, through the board's own BoardSession: it crosses in
    /// parts (StatePart) and is acknowledged once, after the last; a part missing, repeated, of
    /// another generation or without the parts before it refuses the state with the reason, and
    /// the board keeps its applied generation; garbage between parts costs nothing.
    /// </summary>
    [TestClass]
    public class StatePartTests
    {
        // A small board's frame: the states below take several.
        private const int MaxPayload = 256;

        private static readonly uint WebIp = Ipv4Address.FromOctets(10, 244, 2, 5);

        /// <summary>Board 2 of two with a whoami pod behind <paramref name="services"/> services (about 20 bytes each).</summary>
        private static DesiredState StateFor(uint generation, int services)
        {
            var state = new DesiredState { Generation = generation, PodNetwork = TestCluster.PodNetwork(2) };
            state.Peers = new PeerSpec[] { new PeerSpec { Name = "node-1", PodNetwork = TestCluster.PodNetwork(1), Address = TestCluster.BoardAddress(1) } };
            state.Pods = new PodSpec[] { new PodSpec { Name = "web", Uid = "uid-web", Address = WebIp, Containers = ContainerSpec.One("whoami") } };
            state.Services = new Service[services];
            for (int i = 0; i < services; i++)
            {
                var s = new Service { Name = "svc-" + i.ToString(), ClusterIp = Ipv4Address.FromOctets(10, 96, 0, (byte)(20 + i)), Port = (ushort)(80 + generation) };
                s.SetEndpoints(new uint[] { WebIp }, new ushort[] { 80 }, new byte[] { (byte)(EndpointFlags.Ready | EndpointFlags.Serving | EndpointFlags.Local) });
                state.Services[i] = s;
            }

            return state;
        }

        /// <summary>The state's parts as the host cuts them for this board's frame.</summary>
        private static byte[][] PartsOf(DesiredState state)
        {
            byte[] buffer = new byte[4096];
            var w = new PayloadWriter();
            w.Begin(buffer, 0, buffer.Length);
            StateCodec.Encode(state, w);
            Assert.IsFalse(w.Overflow);
            string problem;
            byte[][] parts = StateParts.Split(buffer, 0, w.Length, false, state.Generation, MaxPayload, out problem);
            Assert.IsNotNull(parts, problem);
            for (int i = 0; i < parts.Length; i++)
            {
                Assert.IsTrue(parts[i].Length <= MaxPayload, "part " + i.ToString() + " is " + parts[i].Length.ToString() + " bytes");
            }

            return parts;
        }

        /// <summary>A board (its session on a line), its host's end, and what the host reads back.</summary>
        private sealed class Board
        {
            public readonly AgentLab Lab = new AgentLab(2);
            public readonly NodeAgent Agent;
            public readonly BoardSession Session;
            public readonly ByteLine Line = new ByteLine();
            public readonly FrameReader Host = new FrameReader();
            public readonly PayloadReader Answer = new PayloadReader();
            public readonly byte[] Chunk = new byte[64];

            public Board()
            {
                Agent = Lab.Agent(2);
                Session = new BoardSession(Agent, new NodeConfigIdentity { Name = "node-2", Address = TestCluster.BoardAddress(2), MaxPayload = MaxPayload, MaxOutPayload = MaxPayload });
                Session.Attach(Line.Board, Lab.Clock.Now);
            }
        }

        private static void Send(Board b, ushort id, byte[] part)
        {
            byte[] frame = new byte[Frame.HeaderLength + part.Length + Frame.TrailerLength];
            System.Array.Copy(part, 0, frame, Frame.HeaderLength, part.Length);
            Assert.IsTrue(b.Line.HostWrite(frame, 0, Frame.Seal(frame, 0, MessageType.Snapshot, id, part.Length)));
            b.Session.Poll(b.Lab.Clock.Now);
        }

        /// <summary>The next Ack the board sent: its error (null: applied), the generation in <paramref name="generation"/>; false when none came.</summary>
        private static bool Acked(Board b, out uint generation, out string error)
        {
            generation = 0;
            error = null;
            while (true)
            {
                while (b.Host.Next())
                {
                    if (b.Host.Type == MessageType.Ack)
                    {
                        b.Answer.Begin(b.Host.Payload, b.Host.PayloadOffset, b.Host.PayloadLength);
                        generation = b.Answer.Varint();
                        error = b.Answer.String();
                        return true;
                    }
                }

                int n = b.Line.HostRead(b.Chunk, 0, b.Chunk.Length);
                if (n <= 0)
                {
                    return false;
                }

                b.Host.Push(b.Chunk, 0, n);
            }
        }

        private static void AssertApplied(Board b, uint generation)
        {
            uint acked;
            string error;
            Assert.IsTrue(Acked(b, out acked, out error), "no Ack");
            Assert.IsNull(error, error);
            Assert.AreEqual(generation, acked);
            Assert.AreEqual(generation, b.Agent.AppliedGeneration);
        }

        private static void AssertRefused(Board b, string reason, uint applied)
        {
            uint acked;
            string error;
            Assert.IsTrue(Acked(b, out acked, out error), "no Ack");
            Assert.IsNotNull(error, "no reason");
            Assert.IsTrue(error.IndexOf(reason) >= 0, error);
            Assert.AreEqual(applied, b.Agent.AppliedGeneration);
        }

        private static void AssertNoAnswer(Board b)
        {
            uint acked;
            string error;
            Assert.IsFalse(Acked(b, out acked, out error), "an Ack before the last part: " + error);
        }

        [TestMethod]
        public void A_state_larger_than_the_frame_crosses_in_parts_and_is_acknowledged_once_after_the_last()
        {
            var b = new Board();
            byte[][] parts = PartsOf(StateFor(1, 24));
            Assert.IsTrue(parts.Length >= 3, parts.Length.ToString() + " parts");

            for (int i = 0; i < parts.Length - 1; i++)
            {
                Send(b, 7, parts[i]);
                AssertNoAnswer(b);
                Assert.AreEqual(0u, b.Agent.AppliedGeneration);
            }

            Send(b, 7, parts[parts.Length - 1]);
            AssertApplied(b, 1);
            Assert.AreEqual((ushort)7, b.Host.RequestId);
            Assert.AreEqual(24, b.Agent.Node.Proxy.Services.Count);
            Assert.AreEqual(1L, b.Session.SnapshotsApplied);

            // The next generation in parts too, each service moved to another port.
            parts = PartsOf(StateFor(2, 24));
            for (int i = 0; i < parts.Length; i++)
            {
                Send(b, 8, parts[i]);
            }

            AssertApplied(b, 2);
            Assert.AreEqual((ushort)82, b.Agent.AppliedState.Services[23].Port);
        }

        [TestMethod]
        public void A_missing_part_refuses_the_state_the_rest_of_it_goes_unanswered_and_a_resend_applies()
        {
            var b = new Board();
            byte[][] first = PartsOf(StateFor(1, 24));
            for (int i = 0; i < first.Length; i++)
            {
                Send(b, 1, first[i]);
            }

            AssertApplied(b, 1);
            byte[][] parts = PartsOf(StateFor(2, 24));
            Send(b, 2, parts[0]);
            Send(b, 2, parts[2]); // part 1 lost on the way
            AssertRefused(b, "part 2 of generation 2 came where part 1 was due: a part was lost", 1);
            for (int i = 3; i < parts.Length; i++)
            {
                Send(b, 2, parts[i]);
            }

            AssertNoAnswer(b); // its refusal has gone: the rest of generation 2 is dropped quietly
            Assert.AreEqual(1u, b.Agent.AppliedGeneration);
            Assert.AreEqual((ushort)81, b.Agent.AppliedState.Services[0].Port);

            for (int i = 0; i < parts.Length; i++)
            {
                Send(b, 3, parts[i]);
            }

            AssertApplied(b, 2);
        }

        [TestMethod]
        public void A_repeated_part_refuses_the_state_and_the_applied_generation_stays()
        {
            var b = new Board();
            byte[][] parts = PartsOf(StateFor(1, 24));
            Send(b, 1, parts[0]);
            Send(b, 1, parts[1]);
            Send(b, 1, parts[1]);
            AssertRefused(b, "part 1 of generation 1 came again", 0);
            Assert.IsNull(b.Agent.AppliedState);
            Assert.AreEqual(1L, b.Session.SnapshotsRefused);
        }

        [TestMethod]
        public void A_part_of_another_generation_or_without_its_first_is_refused()
        {
            var b = new Board();
            byte[][] two = PartsOf(StateFor(2, 24));
            byte[][] three = PartsOf(StateFor(3, 24));
            Send(b, 1, two[0]);
            Send(b, 2, three[1]);
            AssertRefused(b, "part 1 of generation 3 came while generation 2 was arriving", 0);

            Send(b, 3, two[1]); // generation 2's decode went with the refusal
            AssertRefused(b, "part 1 of generation 2 came without the parts before it", 0);
        }

        [TestMethod]
        public void Garbage_between_parts_costs_nothing()
        {
            var b = new Board();
            byte[][] parts = PartsOf(StateFor(1, 24));
            byte[] garbage = { 0x45, 0x67, 0x01, 0xff, 0x00, 0x45, 0x45 }; // with false starts of the magic "Eg"
            for (int i = 0; i < parts.Length; i++)
            {
                Assert.IsTrue(b.Line.HostWrite(garbage, 0, garbage.Length));
                Send(b, 4, parts[i]);
            }

            AssertApplied(b, 1);
            Assert.IsTrue(b.Session.GarbageBytes >= garbage.Length * parts.Length);
        }

        [TestMethod]
        public void A_line_that_drops_mid_state_leaves_the_applied_generation_and_the_rest_does_not_apply_on_the_next()
        {
            var b = new Board();
            byte[][] first = PartsOf(StateFor(1, 24));
            for (int i = 0; i < first.Length; i++)
            {
                Send(b, 1, first[i]);
            }

            AssertApplied(b, 1);
            byte[][] parts = PartsOf(StateFor(2, 24));
            Send(b, 2, parts[0]);
            b.Session.Detach(); // the cable pulled
            b.Session.Attach(b.Line.Board, b.Lab.Clock.Now);
            Send(b, 2, parts[1]);
            AssertRefused(b, "part 1 of generation 2 came without the parts before it", 1);
            Assert.AreEqual(1u, b.Agent.AppliedGeneration);
        }
    }
}
