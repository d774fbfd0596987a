#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Net;
using Edge.Dataplane.NfTests.Sim;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Workloads.Tools;
using nanoFramework.TestFramework;
using Assert = nanoFramework.TestFramework.Assert;

namespace Edge.Dataplane.NfTests
{
    /// <summary>
    /// `env` in a container prints what the kubelet would have given it: PATH and HOSTNAME, its
    /// env as the host sent it, the Services' variables made from the board's Services (the pod's
    /// namespace by name, and default's kubernetes always), HOME; Secret-valued names on stderr.
    /// </summary>
    [TestClass]
    public class EnvToolTests
    {
        private static Service Port(string ns, string name, string portName, ushort port, byte protocol, uint ip)
        {
            var s = new Service();
            s.Namespace = ns;
            s.Name = name;
            s.PortName = portName;
            s.Port = port;
            s.Protocol = protocol;
            s.ClusterIp = ip;
            return s;
        }

        private static Service[] Services()
        {
            return new Service[]
            {
                Port("default", "web", "http", 80, IpProtocol.Tcp, Ipv4Address.FromOctets(10, 96, 0, 10)),
                Port("default", "web", "metrics", 9090, IpProtocol.Tcp, Ipv4Address.FromOctets(10, 96, 0, 10)),
                Port("default", "kubernetes", "https", 443, IpProtocol.Tcp, Ipv4Address.FromOctets(10, 96, 0, 1)),
                Port("default", "dns-cache", "", 53, IpProtocol.Udp, Ipv4Address.FromOctets(10, 96, 0, 53)),
                Port("other", "db", "", 5432, IpProtocol.Tcp, Ipv4Address.FromOctets(10, 96, 0, 20)),
            };
        }

        private static string Run(string ns, bool links, string withheld, TextSink err)
        {
            var container = new ContainerSpec();
            container.Name = "toolbox";
            container.Image = "toolbox";
            container.Env = new string[] { "GREETING=hello", "WEB_SERVICE_PORT=8080" }; // the container's own wins over the Service's
            var output = new TextSink();
            var ring = new ByteRing(2048);
            var tool = new EnvTool(ns, "client", container, Services(), links, withheld, new ToolOutput(output, err), ring);
            for (int i = 0; i < 100 && !tool.Done; i++)
            {
                tool.Poll(0);
            }

            Assert.IsTrue(tool.Done);
            return output.Text;
        }

        [TestMethod]
        public void Env_prints_the_containers_variables_then_the_services_of_its_namespace_by_name_as_the_kubelet_writes_them()
        {
            var err = new TextSink();
            string env = Run("default", true, "", err);
            Assert.AreEqual(
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n"
                + "HOSTNAME=client\n"
                + "GREETING=hello\n"
                + "WEB_SERVICE_PORT=8080\n"
                + "DNS_CACHE_SERVICE_HOST=10.96.0.53\n"
                + "DNS_CACHE_SERVICE_PORT=53\n"
                + "DNS_CACHE_PORT=udp://10.96.0.53:53\n"
                + "DNS_CACHE_PORT_53_UDP=udp://10.96.0.53:53\n"
                + "DNS_CACHE_PORT_53_UDP_PROTO=udp\n"
                + "DNS_CACHE_PORT_53_UDP_PORT=53\n"
                + "DNS_CACHE_PORT_53_UDP_ADDR=10.96.0.53\n"
                + "KUBERNETES_SERVICE_HOST=10.96.0.1\n"
                + "KUBERNETES_SERVICE_PORT=443\n"
                + "KUBERNETES_SERVICE_PORT_HTTPS=443\n"
                + "KUBERNETES_PORT=tcp://10.96.0.1:443\n"
                + "KUBERNETES_PORT_443_TCP=tcp://10.96.0.1:443\n"
                + "KUBERNETES_PORT_443_TCP_PROTO=tcp\n"
                + "KUBERNETES_PORT_443_TCP_PORT=443\n"
                + "KUBERNETES_PORT_443_TCP_ADDR=10.96.0.1\n"
                + "WEB_SERVICE_HOST=10.96.0.10\n"
                + "WEB_SERVICE_PORT_HTTP=80\n"
                + "WEB_SERVICE_PORT_METRICS=9090\n"
                + "WEB_PORT=tcp://10.96.0.10:80\n"
                + "WEB_PORT_80_TCP=tcp://10.96.0.10:80\n"
                + "WEB_PORT_80_TCP_PROTO=tcp\n"
                + "WEB_PORT_80_TCP_PORT=80\n"
                + "WEB_PORT_80_TCP_ADDR=10.96.0.10\n"
                + "WEB_PORT_9090_TCP=tcp://10.96.0.10:9090\n"
                + "WEB_PORT_9090_TCP_PROTO=tcp\n"
                + "WEB_PORT_9090_TCP_PORT=9090\n"
                + "WEB_PORT_9090_TCP_ADDR=10.96.0.10\n"
                + "HOME=/root\n", env);
            Assert.AreEqual("", err.Text);
        }

        [TestMethod]
        public void Without_service_links_only_kubernetes_and_in_another_namespace_its_own_services_and_secrets_named_on_stderr()
        {
            var err = new TextSink();
            string env = Run("default", false, "", err);
            Assert.IsTrue(env.IndexOf("KUBERNETES_SERVICE_HOST=10.96.0.1\n") > 0, env);
            Assert.IsTrue(env.IndexOf("WEB_SERVICE_HOST") < 0, env);
            Assert.IsTrue(env.IndexOf("DB_SERVICE_HOST") < 0, env);

            string other = Run("other", true, "TOKEN, PASSWORD", err);
            Assert.IsTrue(other.IndexOf("DB_SERVICE_HOST=10.96.0.20\n") > 0, other);
            Assert.IsTrue(other.IndexOf("KUBERNETES_SERVICE_HOST=10.96.0.1\n") > 0, other);
            Assert.IsTrue(other.IndexOf("WEB_SERVICE_HOST") < 0, other);
            Assert.AreEqual("env: not shown: TOKEN, PASSWORD (from a Secret: Secrets are not sent to boards over the management line)\n", err.Text);
        }
    }
}
