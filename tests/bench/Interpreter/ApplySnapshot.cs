// nanoFramework C#: no nullable annotations there.
#nullable disable

using Edge.Dataplane.Agent;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Net;
using Edge.Dataplane.NfTests.Sim;
using Edge.Dataplane.Proxy;

namespace Edge.Bench.Interpreter
{
    /// <summary>
    /// The agent takes a snapshot of 32 services (two endpoints each) and 4 pods, as a board's
    /// session does: decoded from its bytes against the state it holds, then applied. Two
    /// snapshots alternate, every service's endpoints moving between them, so each apply
    /// changes the whole service table.
    /// </summary>
    public sealed class ApplySnapshot : SpeedScenario
    {
        private NodeAgent _agent;
        private readonly byte[][] _snapshots = new byte[2][];
        private readonly int[] _lengths = new int[2];
        private readonly PayloadReader _reader = new PayloadReader();
        private int _next;

        public override string Name
        {
            get { return "apply-32-services"; }
        }

        public override string Unit
        {
            get { return "snapshot"; }
        }

        public override void Setup()
        {
            var identity = new NodeConfig { Name = "node-1", Address = TestCluster.BoardAddress(1), PodNetwork = TestCluster.PodNetwork(1) };
            var lan = new Lan(1);
            _agent = new NodeAgent(identity, new ManualClock(), new SeededRandom(5), lan.Open(identity.Address, identity.VxlanPort), null);
            for (int i = 0; i < 2; i++)
            {
                var writer = new PayloadWriter();
                _snapshots[i] = new byte[8192];
                writer.Begin(_snapshots[i], 0, _snapshots[i].Length);
                StateCodec.Encode(State((uint)(i + 1), i), writer);
                _lengths[i] = writer.Length;
            }
        }

        public override bool Step()
        {
            int i = _next;
            _next ^= 1;
            _reader.Begin(_snapshots[i], 0, _lengths[i]);
            DesiredState state = StateCodec.Decode(_reader, _agent.AppliedState, _agent);
            return state != null && _agent.Apply(state) == null && _agent.Node.Proxy.Services.Count == 32;
        }

        private static DesiredState State(uint generation, int variant)
        {
            var s = new DesiredState { Generation = generation, PodNetwork = TestCluster.PodNetwork(1) };
            s.Pods = new PodSpec[4];
            for (int p = 0; p < s.Pods.Length; p++)
            {
                s.Pods[p] = new PodSpec { Name = "web-" + p, Uid = "uid-" + p, Address = TestCluster.PodNetwork(1) + 2u + (uint)p, Containers = ContainerSpec.One("traefik/whoami") };
            }

            s.Services = new Service[32];
            for (int i = 0; i < s.Services.Length; i++)
            {
                var service = new Service { Name = "svc-" + i, PortName = "http", ClusterIp = 0x0A600100u + (uint)i, Port = 80 };
                uint moving = 0x0AF40202u + (uint)((i + variant) % 4);
                service.SetEndpoints(new uint[] { 0x0AF40102u + (uint)(i % 4), moving }, new ushort[] { 80, 80 },
                    new byte[] { EndpointFlags.Ready | EndpointFlags.Serving, EndpointFlags.Ready | EndpointFlags.Serving });
                s.Services[i] = service;
            }

            return s;
        }
    }
}
