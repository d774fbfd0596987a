#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.Agent;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Net;
using Edge.Dataplane.NfTests.Sim;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Workloads;
using nanoFramework.TestFramework;
using Assert = nanoFramework.TestFramework.Assert;

namespace Edge.Dataplane.NfTests
{
    /// <summary>
    /// A container's args and environment as its image reads them (Go's flag package for
    /// traefik/whoami's -port and -name and their WHOAMI_ variables), and a container whose command
    /// line its image refuses: it exits, says why in the pod's log, and is started again after the
    /// kubelet's back-off (CrashLoopBackOff), its restarts counted.
    /// </summary>
    [TestClass]
    public class ImageArgsTests
    {
        private static readonly uint WebIp = Ipv4Address.FromOctets(10, 244, 2, 5);

        private static ImageFlags Whoami()
        {
            var flags = new ImageFlags("whoami", 3);
            flags.DefinePort("port", "80", "WHOAMI_PORT_NUMBER", "the port to listen on");
            flags.Define("name", "", "WHOAMI_NAME", "the name it says it has");
            flags.DefineBool("verbose", "log every request's headers");
            return flags;
        }

        [TestMethod]
        public void Flags_are_read_as_Go_reads_them()
        {
            ImageFlags flags = Whoami();
            Assert.IsTrue(flags.Parse(new string[] { "--port", "8080", "-name=web", "-verbose", "extra", "-port", "9" }, Empty.Strings), flags.Error);
            Assert.AreEqual((ushort)8080, flags.Port(0)); // the first argument that is no flag ends the flags
            Assert.AreEqual("web", flags.Value(1));
            Assert.IsTrue(flags.IsSet(2));
        }

        [TestMethod]
        public void The_environment_gives_defaults_and_a_flag_wins_over_it()
        {
            ImageFlags fromEnv = Whoami();
            Assert.IsTrue(fromEnv.Parse(Empty.Strings, new string[] { "WHOAMI_PORT_NUMBER=8081", "WHOAMI_NAME=blue", "OTHER=x" }));
            Assert.AreEqual((ushort)8081, fromEnv.Port(0));
            Assert.AreEqual("blue", fromEnv.Value(1));

            ImageFlags both = Whoami();
            Assert.IsTrue(both.Parse(new string[] { "-port=9090" }, new string[] { "WHOAMI_PORT_NUMBER=8081" }));
            Assert.AreEqual((ushort)9090, both.Port(0));
        }

        [TestMethod]
        public void A_flag_the_image_does_not_define_ends_it_with_exit_code_2_and_its_usage()
        {
            ImageFlags flags = Whoami();
            Assert.IsFalse(flags.Parse(new string[] { "--listen", ":8080" }, Empty.Strings));
            Assert.AreEqual(2, flags.Exit);
            Assert.IsTrue(flags.Error.IndexOf("flag provided but not defined: -listen\nUsage of whoami:\n  -port int\n    \tthe port to listen on (default 80) [$WHOAMI_PORT_NUMBER]\n") == 0, flags.Error);

            ImageFlags missing = Whoami();
            Assert.IsFalse(missing.Parse(new string[] { "-port" }, Empty.Strings));
            Assert.IsTrue(missing.Error.IndexOf("flag needs an argument: -port\n") == 0, missing.Error);

            ImageFlags badPort = Whoami();
            Assert.IsFalse(badPort.Parse(new string[] { "-port", "http" }, Empty.Strings));
            Assert.IsTrue(badPort.Error.IndexOf("invalid value \"http\" for flag -port: parse error\n") == 0, badPort.Error);

            ImageFlags help = Whoami();
            Assert.IsFalse(help.Parse(new string[] { "-h" }, Empty.Strings));
            Assert.AreEqual(0, help.Exit);
        }

        [TestMethod]
        public void Whoami_listens_on_its_port_flag_and_says_its_name_first()
        {
            var cluster = new TestCluster(1, 71);
            PodSandbox web = cluster.Node(1).AddPod("default", "web", 0);
            PodSandbox client = cluster.Node(1).AddPod("default", "client", 0);
            ImageFlags refused;
            ContainerSpec spec = ContainerSpec.One("traefik/whoami:v1.10")[0];
            spec.Args = new string[] { "--port", "8080" };
            spec.Env = new string[] { "WHOAMI_NAME=blue" };
            IWorkload whoami = WorkloadCatalog.Create(spec, web, web.Log, "node-1", new Kubepods(), out refused);
            Assert.IsNotNull(whoami);
            Assert.IsNull(refused);
            cluster.Add(whoami);

            var body = new TextSink();
            var get = new HttpGet(client, web.Address, 8080, "web", "/", body);
            Assert.IsTrue(cluster.RunUntil(delegate { get.Poll(cluster.Clock.Now); return get.Done; }, 3000), get.Error);
            Assert.AreEqual(200, get.StatusCode);
            Assert.IsTrue(body.Text.IndexOf("Name: blue\nHostname: web\n") == 0, body.Text);
        }

        [TestMethod]
        public void A_refused_command_line_is_a_crash_loop_with_the_usage_in_the_log_restarted_at_once_then_after_the_back_off()
        {
            var lab = new AgentLab(1);
            NodeAgent board = lab.Agent(1);
            var state = new DesiredState { Generation = 1, PodNetwork = TestCluster.PodNetwork(1) };
            state.Pods = new PodSpec[] { new PodSpec { Name = "web", Uid = "0a1b2c3d", Address = TestCluster.PodNetwork(1) + 5, Containers = ContainerSpec.One("whoami") } };
            state.Pods[0].Containers[0].Args = new string[] { "--listen", ":8080" };
            state.ClusterPodAddresses = new uint[] { TestCluster.PodNetwork(1) + 5 };
            state.ClusterPodNamespaces = new string[] { "default" };
            Assert.IsNull(board.Apply(state));

            RunningPod running = board.FindPod("default", "web");
            RunningContainer pod = running.Containers[0];
            Assert.IsNull(pod.Workload);
            Assert.AreEqual(PodPhase.Running, running.Phase); // the pod runs; its container restarts
            Assert.AreEqual("Error", pod.Reason); // the first exit: started again at once, as the kubelet does
            Assert.AreEqual(2, pod.LastExit);
            Assert.AreEqual(0, pod.Restarts);
            Assert.IsTrue(running.Sandbox.Log.Text().IndexOf("flag provided but not defined: -listen\nUsage of whoami:\n") == 0, running.Sandbox.Log.Text());

            lab.Step();
            Assert.AreEqual(1, pod.Restarts);
            Assert.AreEqual("CrashLoopBackOff", running.Reason); // it failed again: now the back-off
            Assert.AreEqual("back-off 10s", pod.Message);

            lab.Clock.Now += 9000;
            lab.Step();
            Assert.AreEqual(1, pod.Restarts); // not before its back-off
            lab.Clock.Now += 1000;
            lab.Step();
            Assert.AreEqual(2, pod.Restarts);
            Assert.AreEqual("back-off 20s", pod.Message); // and again: the back-off doubles

            for (int i = 0; i < 8; i++)
            {
                lab.Clock.Now += RunningContainer.MaxBackoffSeconds * 1000L;
                lab.Step();
            }

            Assert.AreEqual(10, pod.Restarts);
            Assert.AreEqual("back-off 300s", pod.Message); // held at five minutes
        }
    }
}
