#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.Agent;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Net;
using Edge.Dataplane.NfTests.Sim;
using Edge.Dataplane.Workloads;
using nanoFramework.TestFramework;
using Assert = nanoFramework.TestFramework.Assert;

namespace Edge.Dataplane.NfTests
{
    /// <summary>
    /// A pod of several containers: they run in its one sandbox (one address and MAC), reach
    /// each other on 127.0.0.1, each with its own log and restarts; a second container that binds
    /// a port its sibling holds exits as its program would (EADDRINUSE) and crash-loops alone.
    /// </summary>
    [TestClass]
    public class PodContainersTests
    {
        [TestMethod]
        public void Containers_of_a_pod_share_its_sandbox_and_reach_each_other_on_localhost()
        {
            var lab = new AgentLab(1);
            NodeAgent board = lab.Agent(1);
            Assert.IsNull(board.Apply(PodSpecs.StateWith(PodSpecs.Pod(new ContainerSpec[] { PodSpecs.Container("whoami", "traefik/whoami", null), PodSpecs.Container("toolbox", "toolbox", null) }))));

            RunningPod pod = board.FindPod("default", "web");
            Assert.AreEqual(2, pod.Containers.Length);
            Assert.AreEqual(1, board.Node.PodCount); // one sandbox
            Assert.IsTrue(pod.Ready);
            Assert.AreEqual("whoami, toolbox", pod.ContainerNames());
            Assert.AreSame(pod.Containers[1], pod.Container("toolbox"));
            Assert.AreSame(pod.Containers[0], pod.Container(null)); // kubectl's default: the first

            // What `exec web -c toolbox -- wget -qO- http://127.0.0.1/` does: from the toolbox, in the same sandbox.
            var body = new TextSink();
            var get = new HttpGet(pod.Sandbox, PodSandbox.LoopbackAddress, 80, "localhost", "/", body);
            Assert.IsTrue(lab.RunUntil(delegate { get.Poll(lab.Clock.Now); return get.Done; }, 3000), get.Error);
            Assert.AreEqual(200, get.StatusCode);
            Assert.IsTrue(body.Text.IndexOf("Hostname: web\n") >= 0, body.Text);
            Assert.IsTrue(body.Text.IndexOf("RemoteAddr: 127.0.0.1:") >= 0, body.Text); // over the pod's loopback, not the bridge
        }

        [TestMethod]
        public void A_sibling_on_a_taken_port_exits_with_address_in_use_and_crash_loops_alone_in_its_own_log()
        {
            var lab = new AgentLab(1);
            NodeAgent board = lab.Agent(1);
            Assert.IsNull(board.Apply(PodSpecs.StateWith(PodSpecs.Pod(new ContainerSpec[] { PodSpecs.Container("first", "whoami", null), PodSpecs.Container("second", "hello", null) }))));

            RunningPod pod = board.FindPod("default", "web");
            RunningContainer first = pod.Container("first");
            RunningContainer second = pod.Container("second");
            Assert.IsTrue(first.Running);
            Assert.IsTrue(first.Ready);
            Assert.IsFalse(second.Running);
            Assert.IsFalse(pod.Ready);
            Assert.AreEqual("Error", second.Reason);
            Assert.AreEqual(1, second.LastExit);
            Assert.AreEqual("listen tcp :80: bind: address already in use\n", second.Log.Text());
            Assert.AreEqual("", first.Log.Text()); // each container its own log

            // Started again at once, it ends again (the port is still its sibling's): now the back-off.
            lab.Step();
            Assert.AreEqual(1, second.Restarts);
            Assert.IsFalse(second.Running);
            Assert.AreEqual("CrashLoopBackOff", pod.Reason); // the pod says its troubled container's
            Assert.IsTrue(first.Running);
            lab.Clock.Now += 10000;
            lab.Step();
            Assert.AreEqual(2, second.Restarts);
            Assert.IsTrue(first.Running);
        }

        [TestMethod]
        public void A_pod_beyond_the_boards_probes_is_rejected_as_a_kubelet_rejects_one_a_node_lacks_a_resource_for()
        {
            var lab = new AgentLab(1);
            NodeAgent board = lab.Agent(1);
            DesiredState state = PodSpecs.StateWith(PodSpecs.Pod(new ContainerSpec[] { PodSpecs.Container("web", "whoami", null) }));
            Assert.IsNull(board.Apply(state)); // the node exists from the first state on
            board.Node.Config.MaxProbes = 1;
            var probe = new ProbeSpec();
            probe.Handler = ProbeSpec.TcpSocket;
            probe.Port = 80;
            ContainerSpec probed = PodSpecs.Container("web", "whoami", null);
            probed.Probes = new ProbeSpec[] { null, probe, probe };
            var next = new DesiredState { Generation = 2, PodNetwork = TestCluster.PodNetwork(1) };
            next.Pods = new PodSpec[] { new PodSpec { Name = "probed", Uid = "0b0b0b0b", Address = TestCluster.PodNetwork(1) + 7, Containers = new ContainerSpec[] { probed } } };
            next.ClusterPodAddresses = new uint[] { TestCluster.PodNetwork(1) + 7 };
            next.ClusterPodNamespaces = new string[] { "default" };
            Assert.IsNull(board.Apply(next));

            RunningPod pod = board.FindPod("default", "probed");
            Assert.AreEqual(PodPhase.Failed, pod.Phase);
            Assert.AreEqual("OutOfedge.dev/probes", pod.Reason);
            Assert.AreEqual("Pod was rejected: Node didn't have enough resource: edge.dev/probes, requested: 2, used: 0, capacity: 1", pod.Message);
            Assert.IsNull(pod.Sandbox); // nothing made for it

            // The same state again (a resync, a delta elsewhere): the rejected pod stays as it is.
            Assert.IsNull(board.Apply(next));
            Assert.AreEqual("OutOfedge.dev/probes", board.FindPod("default", "probed").Reason);
        }

        [TestMethod]
        public void Admission_counts_every_pod_that_stays_wherever_it_is_in_the_state()
        {
            var lab = new AgentLab(1);
            NodeAgent board = lab.Agent(1);
            var probe = new ProbeSpec();
            probe.Handler = ProbeSpec.TcpSocket;
            probe.Port = 80;
            ContainerSpec probed = PodSpecs.Container("web", "whoami", null);
            probed.Probes = new ProbeSpec[] { null, null, probe };
            var first = new DesiredState { Generation = 1, PodNetwork = TestCluster.PodNetwork(1) };
            first.Pods = new PodSpec[] { new PodSpec { Name = "zeta", Uid = "0c0c0c0c", Address = TestCluster.PodNetwork(1) + 9, Containers = new ContainerSpec[] { probed } } };
            first.ClusterPodAddresses = new uint[] { TestCluster.PodNetwork(1) + 9 };
            first.ClusterPodNamespaces = new string[] { "default" };
            Assert.IsNull(board.Apply(first));
            board.Node.Config.MaxProbes = 1;

            // A new pod listed before the running one: the running one's probe still counts.
            var next = new DesiredState { Generation = 2, PodNetwork = TestCluster.PodNetwork(1) };
            next.Pods = new PodSpec[] { new PodSpec { Name = "alpha", Uid = "0d0d0d0d", Address = TestCluster.PodNetwork(1) + 8, Containers = new ContainerSpec[] { probed } }, first.Pods[0] };
            next.ClusterPodAddresses = new uint[] { TestCluster.PodNetwork(1) + 8, TestCluster.PodNetwork(1) + 9 };
            next.ClusterPodNamespaces = new string[] { "default", "default" };
            Assert.IsNull(board.Apply(next));

            Assert.AreEqual("OutOfedge.dev/probes", board.FindPod("default", "alpha").Reason);
            Assert.AreEqual("Pod was rejected: Node didn't have enough resource: edge.dev/probes, requested: 1, used: 1, capacity: 1", board.FindPod("default", "alpha").Message);
            Assert.AreEqual(PodPhase.Running, board.FindPod("default", "zeta").Phase);
        }

        [TestMethod]
        public void Siblings_on_their_own_ports_both_run()
        {
            var lab = new AgentLab(1);
            NodeAgent board = lab.Agent(1);
            Assert.IsNull(board.Apply(PodSpecs.StateWith(PodSpecs.Pod(new ContainerSpec[]
            {
                PodSpecs.Container("web", "whoami", null), PodSpecs.Container("echo", "echo", null), PodSpecs.Container("hello", "hello", new string[] { "--port", "8080" }),
            }))));

            RunningPod pod = board.FindPod("default", "web");
            Assert.IsTrue(pod.Ready);
            Assert.IsTrue(pod.Sandbox.Listens(80));
            Assert.IsTrue(pod.Sandbox.Listens(7));
            Assert.IsTrue(pod.Sandbox.Listens(8080));
        }

        [TestMethod]
        public void Containers_and_their_probes_cross_the_codec_and_a_same_resync_keeps_the_held_spec()
        {
            ContainerSpec web = PodSpecs.Container("web", "whoami", new string[] { "--port", "8080" });
            web.Env = new string[] { "WHOAMI_NAME=blue" };
            var ready = new ProbeSpec();
            ready.Handler = ProbeSpec.HttpGet;
            ready.Port = 8080;
            ready.Words = new string[] { "/health", "X-Probe: edge" };
            ready.SetTiming(2, 1, 1, 2, 1);
            var alive = new ProbeSpec();
            alive.Handler = ProbeSpec.Exec;
            alive.Words = new string[] { "nc", "-z", "127.0.0.1", "8080" };
            web.Probes = new ProbeSpec[] { null, alive, ready };
            DesiredState state = PodSpecs.StateWith(PodSpecs.Pod(new ContainerSpec[] { web, PodSpecs.Container("sidecar", "toolbox", null) }));

            byte[] payload = StatePayloads.Encode(state);
            DesiredState decoded = StatePayloads.Decode(payload, payload.Length);
            Assert.IsNotNull(decoded);
            PodSpec pod = decoded.Pods[0];
            Assert.AreEqual(2, pod.Containers.Length);
            Assert.AreEqual("sidecar", pod.Containers[1].Name);
            Assert.IsNull(pod.Containers[1].Probes);
            ContainerSpec got = pod.Containers[0];
            Assert.AreEqual("8080", got.Args[1]);
            Assert.AreEqual("WHOAMI_NAME=blue", got.Env[0]);
            Assert.IsNull(got.Probe(ProbeSpec.Startup));
            ProbeSpec r = got.Probe(ProbeSpec.Readiness);
            Assert.AreEqual(ProbeSpec.HttpGet, r.Handler);
            Assert.AreEqual(8080, r.Port);
            Assert.AreEqual("/health", r.Path);
            Assert.AreEqual("X-Probe: edge", r.Words[1]);
            Assert.AreEqual(2, r.InitialDelaySeconds);
            Assert.AreEqual(1, r.PeriodSeconds);
            Assert.AreEqual(2, r.SuccessThreshold);
            Assert.AreEqual(1, r.FailureThreshold);
            Assert.AreEqual(ProbeSpec.Exec, got.Probe(ProbeSpec.Liveness).Handler);
            Assert.AreEqual("nc", got.Probe(ProbeSpec.Liveness).Words[0]);
            Assert.AreEqual(3, got.Probe(ProbeSpec.Liveness).FailureThreshold); // the default

            var reader = new PayloadReader();
            reader.Begin(payload, 0, payload.Length);
            Assert.AreSame(pod, StateCodec.Decode(reader, decoded, null).Pods[0]);
            ready.SetTiming(2, 5, 1, 2, 1);
            byte[] changed = StatePayloads.Encode(state);
            reader.Begin(changed, 0, changed.Length);
            DesiredState next = StateCodec.Decode(reader, decoded, null);
            Assert.AreNotSame(pod, next.Pods[0]); // a new period is a new spec
            Assert.AreEqual(5, next.Pods[0].Containers[0].Probe(ProbeSpec.Readiness).PeriodSeconds);
        }

        [TestMethod]
        public void A_pod_without_containers_or_with_a_bad_probe_is_refused_by_the_decoder()
        {
            DesiredState state = PodSpecs.StateWith(PodSpecs.Pod(new ContainerSpec[] { PodSpecs.Container("web", "whoami", null) }));
            var probe = new ProbeSpec();
            probe.Handler = ProbeSpec.TcpSocket;
            probe.Port = 80;
            probe.SetTiming(0, 0, 1, 1, 3); // a period of 0 would probe in a tight loop
            state.Pods[0].Containers[0].Probes = new ProbeSpec[] { null, probe, null };
            byte[] payload = StatePayloads.Encode(state);
            Assert.IsNull(StatePayloads.Decode(payload, payload.Length));

            state.Pods[0].Containers = new ContainerSpec[0];
            payload = StatePayloads.Encode(state);
            Assert.IsNull(StatePayloads.Decode(payload, payload.Length));
        }
    }
}
