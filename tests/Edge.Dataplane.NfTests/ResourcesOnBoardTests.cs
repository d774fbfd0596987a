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
    /// A container's resources on the board: what its program asks the board for (stress's
    /// blocks) is held to its memory limit and to what the board lets its pods have together, the
    /// OOM killer ending it with 137 (OOMKilled) while its neighbours serve on; its cpu request
    /// weighs its share of the loop beside other busy containers, its cpu limit caps its turns.
    /// </summary>
    [TestClass]
    public class ResourcesOnBoardTests
    {
        private static ContainerSpec Stress(string name, string[] args, int memoryLimit)
        {
            ContainerSpec c = PodSpecs.Container(name, "polinux/stress", args);
            c.MemoryLimit = memoryLimit;
            return c;
        }

        private static PodSpec Pod(string name, int host, ContainerSpec container)
        {
            return new PodSpec { Name = name, Uid = "0a0b0c" + host.ToString("x2"), Address = TestCluster.PodNetwork(1) + (uint)host, Containers = new ContainerSpec[] { container } };
        }

        private static DesiredState State(PodSpec[] pods)
        {
            var state = new DesiredState { Generation = 1, PodNetwork = TestCluster.PodNetwork(1) };
            state.Pods = pods;
            state.ClusterPodAddresses = new uint[pods.Length];
            state.ClusterPodNamespaces = new string[pods.Length];
            for (int i = 0; i < pods.Length; i++)
            {
                state.ClusterPodAddresses[i] = pods[i].Address;
                state.ClusterPodNamespaces[i] = "default";
            }

            return state;
        }

        private static void Steps(AgentLab lab, int turns)
        {
            for (int i = 0; i < turns; i++)
            {
                lab.Clock.Now += 10;
                lab.Step();
            }
        }

        [TestMethod]
        public void A_stress_container_within_its_limit_holds_what_it_asked_for()
        {
            var lab = new AgentLab(1);
            NodeAgent board = lab.Agent(1);
            Assert.IsNull(board.Apply(State(new PodSpec[] { Pod("memory-demo", 5, Stress("memory-demo-ctr", new string[] { "--vm", "1", "--vm-bytes", "1k", "--vm-hang", "0" }, 2048)) })));

            RunningContainer stress = board.FindPod("default", "memory-demo").Containers[0];
            Steps(lab, 10);
            Assert.IsTrue(stress.Running);
            Assert.AreEqual(1024, ((StressWorkload)stress.Workload).HeldBytes);
            Assert.AreEqual(1024, board.Kubepods.MemoryCurrent);
            Assert.AreEqual("stress: info: [1] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd\n", stress.Log.Text());
        }

        [TestMethod]
        public void Above_its_memory_limit_a_container_is_OOMKilled_with_137_while_its_neighbour_serves()
        {
            var lab = new AgentLab(1);
            NodeAgent board = lab.Agent(1);
            Assert.IsNull(board.Apply(State(new PodSpec[]
            {
                Pod("memory-demo-2", 5, Stress("memory-demo-2-ctr", new string[] { "--vm", "1", "--vm-bytes", "4k", "--vm-hang", "1" }, 2048)),
                Pod("web", 6, PodSpecs.Container("whoami", "traefik/whoami", null)),
            })));

            RunningContainer stress = board.FindPod("default", "memory-demo-2").Containers[0];
            for (int turn = 0; turn < 20 && stress.LastExit < 0; turn++)
            {
                Steps(lab, 1);
            }

            // Killed as its ninth block would take it past 2 KiB; restarted at once the first time, as the kubelet does.
            Assert.AreEqual(137, stress.LastExit);
            Assert.IsTrue(stress.LastOomKilled);
            Assert.AreEqual(0, board.Kubepods.MemoryCurrent - (stress.Running ? ((StressWorkload)stress.Workload).HeldBytes : 0));

            // Its neighbour answers meanwhile.
            RunningPod web = board.FindPod("default", "web");
            var body = new TextSink();
            var get = new HttpGet(web.Sandbox, web.Sandbox.Address, 80, "web", "/", body);
            Assert.IsTrue(lab.RunUntil(delegate { get.Poll(lab.Clock.Now); return get.Done; }, 3000), get.Error);
            Assert.AreEqual(200, get.StatusCode);

            // Again and again: the back-off, as kubectl shows CrashLoopBackOff with Last State OOMKilled.
            Steps(lab, 20);
            Assert.AreEqual(1, stress.Restarts);
            Assert.IsFalse(stress.Running);
            Assert.AreEqual("CrashLoopBackOff", stress.Reason);
            Assert.IsTrue(stress.LastOomKilled);
            Assert.AreEqual(0, board.Kubepods.MemoryCurrent);
        }

        [TestMethod]
        public void Without_a_limit_the_pods_together_are_held_to_what_the_board_offers_them()
        {
            var lab = new AgentLab(1);
            NodeAgent board = lab.Agent(1);
            board.Apply(State(new PodSpec[0])); // the node exists from the first state on
            board.Node.Config.PodMemory = 8192;
            board.Node.Config.PodBytes = 1024;
            var next = State(new PodSpec[]
            {
                Pod("hungry", 5, Stress("stress", new string[] { "--vm", "2", "--vm-bytes", "8k" }, 0)),
                Pod("web", 6, PodSpecs.Container("whoami", "whoami", null)),
            });
            next.Generation = 2;
            Assert.IsNull(board.Apply(next));

            // 8 KiB less the two pods' own 1 KiB each: 6 KiB for their programs.
            Assert.AreEqual(6144, board.Kubepods.MemoryMax);
            RunningContainer stress = board.FindPod("default", "hungry").Containers[0];
            for (int turn = 0; turn < 40 && stress.LastExit < 0; turn++)
            {
                Steps(lab, 1);
            }

            Assert.AreEqual(137, stress.LastExit);
            Assert.IsTrue(stress.LastOomKilled);
            Assert.IsTrue(board.Kubepods.MemoryCurrent <= StressWorkload.BlockBytes); // what it freed, less the block it took again on its restart
            Assert.IsTrue(board.FindPod("default", "web").Containers[0].Running);
        }

        [TestMethod]
        public void A_pods_sidecars_and_probes_are_charged_beside_its_sandbox_from_what_the_board_offers_pods()
        {
            var lab = new AgentLab(1);
            NodeAgent board = lab.Agent(1);
            board.Apply(State(new PodSpec[0])); // the node exists from the first state on
            board.Node.Config.PodMemory = 8192;
            board.Node.Config.PodBytes = 1024;
            board.Node.Config.ContainerBytes = 256;
            board.Node.Config.ProbeBytes = 128;
            var probe = new ProbeSpec();
            probe.Handler = ProbeSpec.TcpSocket;
            probe.Port = 80;
            ContainerSpec web = PodSpecs.Container("whoami", "whoami", null);
            web.Probes = new ProbeSpec[] { null, probe, probe };
            PodSpec sidecar = Pod("web", 6, web);
            sidecar.Containers = new ContainerSpec[] { web, PodSpecs.Container("toolbox", "toolbox", null) };
            var next = State(new PodSpec[] { Pod("hungry", 5, Stress("stress", new string[] { "--vm", "1", "--vm-bytes", "1k" }, 0)), sidecar });
            next.Generation = 2;
            Assert.IsNull(board.Apply(next));

            // 8 KiB less the two pods' own 1 KiB each, the toolbox's 256 bytes and whoami's two probes' 128 each.
            Assert.AreEqual(8192 - 2 * 1024 - 256 - 2 * 128, board.Kubepods.MemoryMax);
        }

        [TestMethod]
        public void Busy_containers_share_the_loop_by_their_cpu_requests()
        {
            var lab = new AgentLab(1);
            NodeAgent board = lab.Agent(1);
            ContainerSpec big = Stress("cpu", new string[] { "--cpu", "1" }, 0);
            big.CpuRequest = 500;
            ContainerSpec small = Stress("cpu", new string[] { "--cpu", "1" }, 0);
            small.CpuRequest = 100;
            Assert.IsNull(board.Apply(State(new PodSpec[] { Pod("big", 5, big), Pod("small", 6, small) })));
            Steps(lab, 101);

            long bigWork = ((StressWorkload)board.FindPod("default", "big").Containers[0].Workload).CpuWork;
            long smallWork = ((StressWorkload)board.FindPod("default", "small").Containers[0].Workload).CpuWork;

            // cpu.shares 512 and 102: 1000 units a turn shared 5 to 1 (the first turn each had them all).
            Assert.AreEqual(1000 + 100 * 833, (int)bigWork);
            Assert.AreEqual(1000 + 100 * 166, (int)smallWork);
        }

        [TestMethod]
        public void A_cpu_limit_caps_a_busy_container_to_its_quota_of_each_turn_and_never_an_idle_server()
        {
            var lab = new AgentLab(1);
            NodeAgent board = lab.Agent(1);
            ContainerSpec capped = Stress("cpu", new string[] { "--cpu", "1" }, 0);
            capped.CpuLimit = 250;
            capped.CpuRequest = 250;
            ContainerSpec web = PodSpecs.Container("whoami", "whoami", null);
            web.CpuLimit = 100;
            Assert.IsNull(board.Apply(State(new PodSpec[] { Pod("capped", 5, capped), Pod("web", 6, web) })));
            Steps(lab, 100);

            // Alone on the board it would have every turn's 1000 units: its limit gives it 250 of each.
            var stress = (StressWorkload)board.FindPod("default", "capped").Containers[0].Workload;
            Assert.AreEqual(100 * 250, (int)stress.CpuWork);
            Assert.AreEqual(100, (int)stress.ThrottledTurns);

            // whoami under a 100m limit answers as ever: between requests it wants no cpu to be held from.
            RunningPod pod = board.FindPod("default", "web");
            var body = new TextSink();
            var get = new HttpGet(pod.Sandbox, pod.Sandbox.Address, 80, "web", "/", body);
            Assert.IsTrue(lab.RunUntil(delegate { get.Poll(lab.Clock.Now); return get.Done; }, 3000), get.Error);
            Assert.AreEqual(200, get.StatusCode);
        }

        [TestMethod]
        public void A_timeout_ends_the_run_with_exit_0_and_the_kubelet_starts_it_again()
        {
            var lab = new AgentLab(1);
            NodeAgent board = lab.Agent(1);
            Assert.IsNull(board.Apply(State(new PodSpec[] { Pod("brief", 5, Stress("stress", new string[] { "--vm", "1", "--vm-bytes", "512", "--timeout", "2s" }, 0)) })));
            RunningContainer stress = board.FindPod("default", "brief").Containers[0];
            for (int turn = 0; turn < 400 && stress.LastExit < 0; turn++)
            {
                Steps(lab, 1);
            }

            Assert.AreEqual(0, stress.LastExit);
            Assert.IsFalse(stress.LastOomKilled);
            Assert.IsTrue(stress.Log.Text().IndexOf("stress: info: [1] successful run completed in 2s\n") > 0, stress.Log.Text());
        }

        [TestMethod]
        public void A_size_stress_does_not_read_ends_the_program_with_exit_1()
        {
            var lab = new AgentLab(1);
            NodeAgent board = lab.Agent(1);
            Assert.IsNull(board.Apply(State(new PodSpec[] { Pod("typo", 5, Stress("stress", new string[] { "--vm", "1", "--vm-bytes", "12q" }, 0)) })));
            RunningContainer stress = board.FindPod("default", "typo").Containers[0];
            Assert.AreEqual(1, stress.LastExit);
            Assert.AreEqual("stress: FAIL: [1] (--vm-bytes) invalid number: 12q\n", stress.Log.Text());
        }

        [TestMethod]
        public void Limits_cross_the_wire_and_a_negative_one_is_refused()
        {
            ContainerSpec c = Stress("stress", new string[] { "--vm", "1" }, 65536);
            c.CpuRequest = 250;
            c.CpuLimit = 500;
            DesiredState state = State(new PodSpec[] { Pod("limited", 5, c) });
            byte[] payload = StatePayloads.Encode(state);
            DesiredState back = StatePayloads.Decode(payload, payload.Length);
            ContainerSpec read = back.Pods[0].Containers[0];
            Assert.AreEqual(65536, read.MemoryLimit);
            Assert.AreEqual(250, read.CpuRequest);
            Assert.AreEqual(500, read.CpuLimit);
            Assert.IsTrue(ContainerSpec.Same(c, read));

            c.MemoryLimit = -1;
            payload = StatePayloads.Encode(state);
            Assert.IsNull(StatePayloads.Decode(payload, payload.Length));
        }
    }
}
