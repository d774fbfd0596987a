#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.Agent;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Net;
using Edge.Dataplane.Net.Tcp;
using Edge.Dataplane.NfTests.Sim;
using Edge.Dataplane.Workloads;
using nanoFramework.TestFramework;
using Assert = nanoFramework.TestFramework.Assert;

namespace Edge.Dataplane.NfTests
{
    /// <summary>
    /// The board's prober, as the kubelet's: readiness sets a container's Ready from its probe
    /// (httpGet judged by the status code, tcpSocket by the connection, exec by the tool's exit);
    /// liveness and startup failures past their threshold restart the container after its
    /// back-off; a startup probe holds the others back until it passes. traefik/whoami's
    /// /health is the switch: POST a status code to it and GET answers with that code.
    /// </summary>
    [TestClass]
    public class ProbeTests
    {
        private static ProbeSpec Http(string path, int port, int period, int failures)
        {
            var probe = new ProbeSpec();
            probe.Handler = ProbeSpec.HttpGet;
            probe.Port = port;
            probe.Words = new string[] { path };
            probe.SetTiming(0, period, 1, 1, failures);
            return probe;
        }

        private static RunningPod Start(AgentLab lab, ContainerSpec container)
        {
            NodeAgent board = lab.Agent(1);
            Assert.IsNull(board.Apply(PodSpecs.StateWith(PodSpecs.Pod(new ContainerSpec[] { container }))));
            return board.FindPod("default", "web");
        }

        // What `curl -X POST -d 500 http://POD/health` does to traefik/whoami.
        private static void SetHealth(AgentLab lab, PodSandbox from, uint address, int status)
        {
            TcpSocket socket = from.Connect(address, 80);
            byte[] request = Ascii.Bytes("POST /health HTTP/1.1\r\nHost: web\r\nContent-Length: 3\r\n\r\n" + status.ToString());
            int sent = 0;
            Assert.IsTrue(lab.RunUntil(delegate
            {
                if (socket.IsConnected && sent < request.Length)
                {
                    sent += socket.Send(request, sent, request.Length - sent);
                }

                return socket.Available >= 12 || socket.IsClosed;
            }, 3000));
            Assert.AreEqual((byte)'2', socket.Peek(9)); // 200: taken
            socket.Abort();
        }

        [TestMethod]
        public void A_readiness_probe_makes_the_container_ready_and_a_failing_health_takes_it_out_and_back()
        {
            var lab = new AgentLab(1);
            ContainerSpec web = PodSpecs.Container("web", "traefik/whoami", null);
            web.Probes = new ProbeSpec[] { null, null, Http("/health", 80, 1, 1) };
            RunningPod pod = Start(lab, web);
            NodeAgent board = lab.Agent(1);
            RunningContainer container = pod.Containers[0];
            Assert.IsTrue(container.Running);
            Assert.IsFalse(container.Ready); // not before its readiness probe passes
            Assert.IsTrue(lab.RunUntil(delegate { return container.Ready; }, 2000));
            Assert.IsTrue(board.StatusChanged); // the session reports at once
            board.StatusChanged = false;

            PodSandbox client = board.Node.AddPod("default", "client", TestCluster.PodNetwork(1) + 9);
            SetHealth(lab, client, pod.Sandbox.Address, 500);
            Assert.AreEqual(500, ((WhoamiServer)container.Workload).HealthStatus);
            Assert.IsTrue(lab.RunUntil(delegate { return !container.Ready; }, 2500)); // the next probe, at most a period later
            Assert.IsTrue(board.StatusChanged);
            Assert.AreEqual("Readiness probe failed: HTTP probe failed with statuscode: 500", container.ProbeFailure);
            Assert.IsTrue(container.Running); // readiness never restarts
            Assert.AreEqual(0, container.Restarts);
            Assert.IsTrue(container.Log.Text().IndexOf("Update health check status code [500]") >= 0, container.Log.Text());

            SetHealth(lab, client, pod.Sandbox.Address, 200);
            Assert.IsTrue(lab.RunUntil(delegate { return container.Ready; }, 2500));
            Assert.AreEqual("", container.ProbeFailure);
        }

        [TestMethod]
        public void A_failing_liveness_probe_restarts_the_container_after_its_threshold_and_back_off()
        {
            var lab = new AgentLab(1);
            ContainerSpec web = PodSpecs.Container("web", "whoami", null);
            web.Probes = new ProbeSpec[] { null, Http("/missing-port-probe", 8081, 1, 3), null };
            RunningPod pod = Start(lab, web);
            RunningContainer container = pod.Containers[0];
            Assert.IsTrue(container.Ready); // no readiness probe: ready once started

            long start = lab.Clock.Now;
            Assert.IsTrue(lab.RunUntil(delegate { return container.Restarts == 1; }, 5000));
            Assert.IsTrue(lab.Clock.Now - start >= 2000); // three failures, a second apart, then started again at once
            Assert.AreEqual(Prober.KilledExitCode, container.LastExit);
            Assert.IsTrue(container.Running);

            start = lab.Clock.Now;
            Assert.IsTrue(lab.RunUntil(delegate { return !container.Running; }, 5000)); // and again: its probe still fails
            Assert.AreEqual("CrashLoopBackOff", container.Reason);
            Assert.AreEqual("back-off 10s", container.Message);
            Assert.AreEqual("Liveness probe failed: Get \"http://10.244.1.5:8081/missing-port-probe\": dial tcp 10.244.1.5:8081: connect: connection refused", container.ProbeFailure);
            Assert.IsTrue(lab.RunUntil(delegate { return container.Running; }, 11000));
            Assert.AreEqual(2, container.Restarts);
            Assert.IsTrue(lab.Clock.Now - start >= 12000); // three more failures, then the 10 s back-off
        }

        [TestMethod]
        public void A_startup_probe_holds_liveness_and_readiness_back_until_it_passes()
        {
            var lab = new AgentLab(1);
            ContainerSpec web = PodSpecs.Container("web", "whoami", null);
            var startup = new ProbeSpec();
            startup.Handler = ProbeSpec.TcpSocket;
            startup.Port = 80;
            startup.SetTiming(3, 1, 1, 1, 5);
            web.Probes = new ProbeSpec[] { startup, Http("/", 80, 1, 1), Http("/", 80, 1, 1) };
            RunningPod pod = Start(lab, web);
            RunningContainer container = pod.Containers[0];
            NodeAgent board = lab.Agent(1);

            long started = lab.Clock.Now;
            Assert.IsTrue(lab.RunUntil(delegate { return lab.Clock.Now - started >= 2500; }, 3000));
            Assert.IsFalse(container.Started); // its initial delay is 3 s
            Assert.IsFalse(container.Ready);
            Assert.AreEqual(0L, board.Prober.Runs);
            Assert.IsTrue(lab.RunUntil(delegate { return container.Started; }, 1500));
            Assert.IsTrue(lab.RunUntil(delegate { return container.Ready; }, 1500));
            Assert.IsTrue(lab.RunUntil(delegate { return board.Prober.Runs >= 6; }, 3000)); // liveness and readiness now run, every second
            Assert.AreEqual(0L, board.Prober.Failures);
            Assert.IsTrue(container.Running);
        }

        [TestMethod]
        public void An_exec_probe_of_a_command_the_pod_does_not_have_fails_at_once_and_the_prober_goes_on()
        {
            var lab = new AgentLab(1);
            ContainerSpec web = PodSpecs.Container("web", "whoami", null);
            var cat = new ProbeSpec();
            cat.Handler = ProbeSpec.Exec;
            cat.Words = new string[] { "cat", "/tmp/healthy" }; // the textbook liveness probe: no such tool on a board
            cat.SetTiming(0, 1, 1, 1, 5);
            web.Probes = new ProbeSpec[] { null, cat, Http("/", 80, 1, 1) };
            RunningPod pod = Start(lab, web);
            RunningContainer container = pod.Containers[0];

            Assert.IsTrue(lab.RunUntil(delegate { return container.ProbeFailure.Length > 0; }, 1500));
            Assert.IsTrue(container.ProbeFailure.IndexOf("Liveness probe failed: exec: \"cat\": executable file not found") == 0, container.ProbeFailure);
            Assert.IsTrue(lab.RunUntil(delegate { return container.Ready; }, 2000)); // the readiness probe still runs
            Assert.IsTrue(lab.RunUntil(delegate { return lab.Agent(1).Prober.Failures >= 3; }, 3000));
        }

        [TestMethod]
        public void A_tcp_probe_passes_on_a_listening_port_and_an_exec_probe_on_a_tools_exit()
        {
            var lab = new AgentLab(1);
            ContainerSpec web = PodSpecs.Container("web", "echo", null);
            var tcp = new ProbeSpec();
            tcp.Handler = ProbeSpec.TcpSocket;
            tcp.Port = 7;
            tcp.SetTiming(0, 1, 1, 1, 1);
            var exec = new ProbeSpec();
            exec.Handler = ProbeSpec.Exec;
            exec.Words = new string[] { "nc", "-z", "127.0.0.1", "9" };
            exec.SetTiming(0, 1, 1, 1, 1);
            web.Probes = new ProbeSpec[] { null, null, tcp };
            RunningPod pod = Start(lab, web);
            RunningContainer container = pod.Containers[0];
            Assert.IsTrue(lab.RunUntil(delegate { return container.Ready; }, 2000));

            // An exec readiness probe whose tool fails (nothing listens on 9): not ready, its output the reason.
            ContainerSpec other = PodSpecs.Container("web", "echo", null);
            other.Probes = new ProbeSpec[] { null, null, exec };
            var lab2 = new AgentLab(1);
            RunningContainer second = Start(lab2, other).Containers[0];
            Assert.IsTrue(lab2.RunUntil(delegate { return second.ProbeFailure.Length > 0; }, 3000));
            Assert.IsFalse(second.Ready);
            Assert.IsTrue(second.ProbeFailure.IndexOf("Readiness probe failed: ") == 0, second.ProbeFailure);
        }
    }
}
