#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.Agent;
using Edge.Dataplane.Net;

namespace Edge.Dataplane.NfTests.Sim
{
    /// <summary>
    /// Boards as the firmware runs them: a <see cref="NodeAgent"/> per board (which builds its
    /// node from the state the host sends), on one <see cref="Lan"/> and one <see cref="ManualClock"/>.
    /// Board i has address 192.168.50.(10+i), as in <see cref="TestCluster"/>.
    /// </summary>
    public sealed class AgentLab
    {
        public readonly ManualClock Clock = new ManualClock();
        public readonly Lan Lan;
        public readonly NodeAgent[] Agents;

        public AgentLab(int boards)
        {
            Lan = new Lan(boards * 2 + 2);
            Agents = new NodeAgent[boards];
            for (int i = 1; i <= boards; i++)
            {
                var identity = new NodeConfig { Name = "node-" + i.ToString(), Address = TestCluster.BoardAddress(i) };
                Agents[i - 1] = new NodeAgent(identity, Clock, new SeededRandom((uint)i), Lan.Open(identity.Address, identity.VxlanPort), null);
            }
        }

        public NodeAgent Agent(int board)
        {
            return Agents[board - 1];
        }

        /// <summary>One millisecond: deliver, then every board's loop turn (network, then workloads).</summary>
        public void Step()
        {
            Clock.Now++;
            Lan.Deliver();
            for (int round = 0; round < 64; round++)
            {
                int work = 0;
                for (int i = 0; i < Agents.Length; i++)
                {
                    work += Agents[i].Poll();
                }

                if (work == 0)
                {
                    break;
                }
            }
        }

        public bool RunUntil(Condition done, int maxMilliseconds)
        {
            for (int i = 0; i < maxMilliseconds; i++)
            {
                if (done())
                {
                    return true;
                }

                Step();
            }

            return done();
        }
    }
}
