using System.Security.Cryptography;
using Edge.Dataplane.Ingress;
using Edge.Dataplane.Net;
using Edge.Dataplane.Policy;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Workloads;

namespace Edge.VirtualBoard.Tests;

/// <summary>
/// The Linux kernel joins the pod network with its own vxlan device and treats pods as it
/// would containers: ping, curl (kernel TCP client to our server), and a pod fetching from a
/// kernel TCP server.
/// </summary>
[Trait("Category", Category.Interop)]
public sealed class LinuxKernelInteropTests : IClassFixture<LinuxKernelInteropTests.Overlay>
{
    private readonly KernelOverlay _overlay;

    public LinuxKernelInteropTests(Overlay overlay)
    {
        _overlay = overlay.Value;
    }

    /// <summary>Built once for the class, and only when a test of it runs.</summary>
    public sealed class Overlay : IDisposable
    {
        private readonly Lazy<KernelOverlay> _value = new(() => new KernelOverlay());

        public KernelOverlay Value => _value.Value;

        public void Dispose()
        {
            if (_value.IsValueCreated)
            {
                _value.Value.Dispose();
            }
        }
    }

    private sealed class HashSink : IByteSink
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        public long Length;

        public void Write(byte[] buffer, int offset, int length)
        {
            _hash.AppendData(buffer, offset, length);
            Length += length;
        }

        public byte[] Digest() => _hash.GetHashAndReset();
    }

    [RequiresToolFact("root", "ip", "bridge", "ethtool", "ping")]
    public void Linux_pings_pods_on_both_boards()
    {
        foreach (string pod in new[] { "10.244.1.5", "10.244.2.5" })
        {
            RunningTool ping = _overlay.RunInNamespace(TimeSpan.FromSeconds(20), "ping", "-c", "3", "-i", "0.2", "-W", "3", pod);

            Assert.True(ping.ExitCode == 0, $"ping {pod}: {ping.StdOut}{ping.StdErr}; drops: {_overlay.Board1.Node.Drops} / {_overlay.Board2.Node.Drops}");
            Assert.Contains("3 received", ping.StdOut);
            Assert.Contains("ttl=63", ping.StdOut); // one router hop: the board's gateway
        }
    }

    [RequiresToolFact("root", "ip", "bridge", "ethtool", "curl")]
    public void Linux_curl_talks_HTTP_to_whoami_over_the_kernels_TCP()
    {
        RunningTool curl = _overlay.RunInNamespace(TimeSpan.FromSeconds(30),
            "curl", "-sS", "--max-time", "20", "-H", "User-Agent: kernel-interop", "http://10.244.2.5/from-linux");

        Assert.True(curl.ExitCode == 0, $"curl: {curl.StdErr}; drops: {_overlay.Board2.Node.Drops}");
        Assert.Contains("Hostname: web-2\n", curl.StdOut);
        Assert.Contains("Node: node-2\n", curl.StdOut);
        Assert.Contains($"RemoteAddr: {KernelOverlay.LinuxVtep}:", curl.StdOut); // the Linux host's overlay address, not NATed
        Assert.Contains("GET /from-linux HTTP/1.1\n", curl.StdOut);
        Assert.Contains("User-Agent: kernel-interop\n", curl.StdOut);
    }

    [RequiresToolFact("root", "ip", "bridge", "ethtool", "curl")]
    public void Linux_curl_reaches_whoami_through_a_boards_ingress_by_path_and_host()
    {
        // Board 1 serves the ingress on its own address (198.18.77.1:80, the Linux namespace's
        // neighbour on the veth): /web and the host web.lab.example to the service web, whose
        // endpoints are the two whoami pods, one on each board.
        foreach (VirtualBoard board in new[] { _overlay.Board1, _overlay.Board2 })
        {
            var web = new Service { Namespace = "default", Name = "web", ClusterIp = LoopbackLab.Ip("10.96.0.80"), Port = 80, Protocol = IpProtocol.Tcp };
            byte local = EndpointFlags.Local;
            web.SetEndpoints([LoopbackLab.Ip("10.244.1.5"), LoopbackLab.Ip("10.244.2.5")], [80, 80],
                [(byte)(EndpointFlags.Ready | EndpointFlags.Serving | (board == _overlay.Board1 ? local : 0)), (byte)(EndpointFlags.Ready | EndpointFlags.Serving | (board == _overlay.Board2 ? local : 0))]);
            Assert.True(board.Node.Proxy.SetService(web));
        }

        var routes = new IngressRoutes(2);
        routes.Add("", "/web", PathType.Prefix, "default", "web", 80);
        routes.Add("web.lab.example", "/", PathType.Prefix, "default", "web", 80);
        _overlay.Board1.Node.ServeIngress(routes);
        try
        {
            var seen = new HashSet<string>();
            for (int i = 0; i < 12 && seen.Count < 2; i++)
            {
                RunningTool curl = _overlay.RunInNamespace(TimeSpan.FromSeconds(30), "curl", "-sS", "--max-time", "20", "http://198.18.77.1/web/from-linux");
                Assert.True(curl.ExitCode == 0, $"curl: {curl.StdErr}; drops: {_overlay.Board1.Node.Drops}");
                Assert.Contains("GET /web/from-linux HTTP/1.1\n", curl.StdOut);
                Assert.Contains("X-Forwarded-For: 198.18.77.2\n", curl.StdOut); // the namespace's address, as board 1 saw it
                Assert.Contains("X-Forwarded-Host: 198.18.77.1\n", curl.StdOut);
                seen.Add(curl.StdOut.Split('\n').Single(l => l.StartsWith("Hostname: ", StringComparison.Ordinal)));
            }

            Assert.Equal(2, seen.Count); // kube-proxy's choice: the whoami pods on both boards answer

            RunningTool byHost = _overlay.RunInNamespace(TimeSpan.FromSeconds(30),
                "curl", "-sS", "--max-time", "20", "--resolve", "web.lab.example:80:198.18.77.1", "http://web.lab.example/anything");
            Assert.True(byHost.ExitCode == 0, byHost.StdErr);
            Assert.Contains("Host: web.lab.example\n", byHost.StdOut);

            RunningTool missing = _overlay.RunInNamespace(TimeSpan.FromSeconds(30), "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://198.18.77.1/nowhere");
            Assert.Equal("404", missing.StdOut.Trim());
        }
        finally
        {
            _overlay.Board1.Node.ServeIngress(null); // the port closed again for the other tests
        }
    }

    [RequiresToolFact("root", "ip", "bridge", "ethtool", "/usr/bin/python3")]
    public void A_pod_fetches_a_megabyte_from_a_Linux_HTTP_server_intact()
    {
        string dir = Directory.CreateTempSubdirectory("edge-ix-www").FullName;
        byte[] blob = RandomNumberGenerator.GetBytes(1 << 20);
        File.WriteAllBytes(Path.Combine(dir, "blob.bin"), blob);
        using RunningTool server = _overlay.StartInNamespace("/usr/bin/python3", "-m", "http.server", "8000", "--bind", KernelOverlay.LinuxVtep, "--directory", dir);
        try
        {
            PodSandbox client = _overlay.Board1.Pod("client").Sandbox;
            var sink = new HashSink();
            HttpGet get = null!;
            Assert.True(_overlay.Lab.RunUntil(() =>
            {
                // The server takes a moment to start: retry a refused connection.
                if (get == null || (get.State == HttpGet.Failed && get.Error == "connection refused"))
                {
                    get = new HttpGet(client, LoopbackLab.Ip(KernelOverlay.LinuxVtep), 8000, KernelOverlay.LinuxVtep, "/blob.bin", sink);
                }

                get.Poll(_overlay.Board1.Node.Context.Now);
                return get.State is HttpGet.Finished or HttpGet.Failed && get.Error != "connection refused";
            }, TimeSpan.FromSeconds(60)), $"stuck: {get?.State} {get?.Error}, {sink.Length} bytes; drops {_overlay.Board1.Node.Drops}");

            Assert.True(get!.State == HttpGet.Finished, get.Error);
            Assert.Equal(200, get.StatusCode);
            Assert.Equal(blob.Length, sink.Length);
            Assert.Equal(SHA256.HashData(blob), sink.Digest());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [RequiresToolFact("root", "ip", "bridge", "ethtool", "ping", "curl", "tshark")]
    public void Tshark_finds_no_malformed_packets_and_no_bad_checksums_on_the_wire()
    {
        string capture = Path.Combine(Path.GetTempPath(), $"edge-ix-{Environment.ProcessId}.pcap");
        using RunningTool tshark = Tools.Start("tshark", ["-q", "-i", _overlay.HostLink, "-F", "pcap", "-w", capture, "-f", "udp port 4789"]);
        try
        {
            // dumpcap writes the pcap header (24 bytes) once it captures: wait for that, not for a fixed time.
            Assert.True(_overlay.Lab.RunUntil(() => File.Exists(capture) && new FileInfo(capture).Length >= 24, TimeSpan.FromSeconds(20)),
                "tshark never started capturing on " + _overlay.HostLink);
            Assert.Equal(0, _overlay.RunInNamespace(TimeSpan.FromSeconds(20), "ping", "-c", "2", "-i", "0.2", "10.244.1.5").ExitCode);
            Assert.Equal(0, _overlay.RunInNamespace(TimeSpan.FromSeconds(30), "curl", "-s", "--max-time", "20", "http://10.244.1.5/").ExitCode);
            _overlay.Lab.RunUntil(() => false, TimeSpan.FromSeconds(1));
            Tools.Run("kill", ["-INT", tshark.Process.Id.ToString()]);
            tshark.Process.WaitForExit(10_000);

            var (exit, stdout, stderr) = Tools.Run("tshark", ["-r", capture, "-n", "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,",
                "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
                "-e", "_ws.malformed", "-e", "ip.checksum.status", "-e", "udp.checksum.status", "-e", "tcp.checksum.status",
                "-e", "icmp.checksum.status", "-e", "vxlan.vni", "-e", "frame.protocols"]);
            Assert.True(exit == 0, stderr);
            string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(lines.Length >= 10, $"only {lines.Length} frames captured");
            foreach (string line in lines)
            {
                string[] f = line.Split('\t');
                Assert.True(f[0].Length == 0, "malformed: " + line);
                Assert.DoesNotContain("0", f[1..5].SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries)));
                Assert.Equal("1", f[5]);
            }

            Assert.Contains(lines, l => l.EndsWith("vxlan:eth:ethertype:ip:icmp:data"));
            Assert.Contains(lines, l => l.EndsWith("vxlan:eth:ethertype:ip:tcp:http"));
        }
        finally
        {
            File.Delete(capture);
        }
    }

    [RequiresToolFact("root", "ip", "bridge", "ethtool", "curl", "ping")]
    public void A_Linux_host_on_the_overlay_is_let_in_or_kept_out_by_ipBlock_rules()
    {
        // web-2 takes connections only from ipBlock 10.250.0.0/16 except the Linux host's own /32:
        // the kernel's SYNs are dropped (curl times out), its pings too; then the except goes.
        static PolicySet FromLinuxOverlay(bool exceptLinux)
        {
            var set = new PolicySet(1, 1, 3, 0);
            set.AddPolicy("default/from-overlay", PolicyTypes.Ingress);
            set.AddSubject(LoopbackLab.Ip("10.244.2.5"));
            set.AddRule(RuleFlags.AnyPort);
            set.AddPeer(LoopbackLab.Ip("10.250.0.0"), 16, false);
            if (exceptLinux)
            {
                set.AddPeer(LoopbackLab.Ip(KernelOverlay.LinuxVtep), 32, true);
            }

            return set;
        }

        try
        {
            _overlay.Board2.Node.EnforcePolicies(FromLinuxOverlay(exceptLinux: true));
            RunningTool refused = _overlay.RunInNamespace(TimeSpan.FromSeconds(30), "curl", "-sS", "--max-time", "2", "http://10.244.2.5/");
            Assert.Equal(28, refused.ExitCode); // curl's "operation timed out": dropped, not refused
            RunningTool ping = _overlay.RunInNamespace(TimeSpan.FromSeconds(20), "ping", "-c", "2", "-i", "0.2", "-W", "1", "10.244.2.5");
            Assert.NotEqual(0, ping.ExitCode);
            Assert.True(_overlay.Board2.Node.Drops[DropReason.PolicyDenied] >= 3, _overlay.Board2.Node.Drops.ToString());
            RunningTool other = _overlay.RunInNamespace(TimeSpan.FromSeconds(30), "curl", "-sS", "--max-time", "20", "http://10.244.1.5/");
            Assert.True(other.ExitCode == 0, "web-1 is not selected: " + other.StdErr);

            _overlay.Board2.Node.EnforcePolicies(FromLinuxOverlay(exceptLinux: false));
            RunningTool allowed = _overlay.RunInNamespace(TimeSpan.FromSeconds(30), "curl", "-sS", "--max-time", "20", "http://10.244.2.5/");
            Assert.True(allowed.ExitCode == 0, $"curl: {allowed.StdErr}; drops {_overlay.Board2.Node.Drops}");
            Assert.Contains($"RemoteAddr: {KernelOverlay.LinuxVtep}:", allowed.StdOut);
        }
        finally
        {
            _overlay.Board2.Node.EnforcePolicies(null);
        }
    }

    [RequiresToolFact("root", "ip", "bridge", "ethtool", "curl")]
    public void Linux_curl_to_a_ClusterIP_is_load_balanced_and_masqueraded_by_the_node_it_enters()
    {
        // The control plane would push this; here each board gets it directly.
        foreach (VirtualBoard board in _overlay.Lab.Boards)
        {
            var service = new Service { Namespace = "default", Name = "web", ClusterIp = LoopbackLab.Ip("10.96.0.20"), Port = 80, Protocol = IpProtocol.Tcp };
            byte local1 = board == _overlay.Board1 ? EndpointFlags.Local : (byte)0;
            byte local2 = board == _overlay.Board2 ? EndpointFlags.Local : (byte)0;
            service.SetEndpoints([LoopbackLab.Ip("10.244.1.5"), LoopbackLab.Ip("10.244.2.5")], [80, 80],
                [(byte)(EndpointFlags.Ready | EndpointFlags.Serving | local1), (byte)(EndpointFlags.Ready | EndpointFlags.Serving | local2)]);
            Assert.True(board.Node.Proxy.SetService(service));
        }

        // kube-proxy's pick is random (1/2 each): twelve curls at least, and on until both have
        // answered (48 at most): all twelve to one pod happens once in 2,048 runs, all 48 never.
        var answeredBy = new HashSet<string>();
        for (int i = 0; i < 48 && (i < 12 || answeredBy.Count < 2); i++)
        {
            RunningTool curl = _overlay.RunInNamespace(TimeSpan.FromSeconds(30), "curl", "-sS", "--max-time", "20", "http://10.96.0.20/");
            Assert.True(curl.ExitCode == 0, $"curl: {curl.StdErr}; drops {_overlay.Board1.Node.Drops} / {_overlay.Board2.Node.Drops}");
            Assert.Contains("RemoteAddr: 10.244.1.1:", curl.StdOut); // masqueraded to node-1's bridge address
            answeredBy.Add(curl.StdOut.Split('\n')[0]);
        }

        Assert.Equal(["Hostname: web-1", "Hostname: web-2"], answeredBy.Order());
    }

    [RequiresToolFact("root", "ip", "bridge", "ethtool", "curl")]
    public void Linux_curl_reaches_a_NodePort_and_a_LoadBalancer_port_on_the_boards_addresses()
    {
        foreach (VirtualBoard board in _overlay.Lab.Boards)
        {
            var service = new Service
            {
                Namespace = "default", Name = "shop", Type = ServiceType.LoadBalancer, ClusterIp = LoopbackLab.Ip("10.96.0.40"),
                Port = 8080, NodePort = 30080, Protocol = IpProtocol.Tcp,
            };
            service.SetEndpoints([LoopbackLab.Ip("10.244.2.5")], [80],
                [(byte)(EndpointFlags.Ready | EndpointFlags.Serving | (board == _overlay.Board2 ? EndpointFlags.Local : 0))]);
            Assert.True(board.Node.Proxy.SetService(service));
        }

        // NodePort on node-1 (the endpoint is on node-2: the relay crosses the overlay).
        RunningTool nodePort = _overlay.RunInNamespace(TimeSpan.FromSeconds(30), "curl", "-sS", "--max-time", "20", "http://198.18.77.1:30080/np");
        Assert.True(nodePort.ExitCode == 0, $"curl NodePort: {nodePort.StdErr}; drops {_overlay.Board1.Node.Drops}");
        Assert.Contains("Hostname: web-2\n", nodePort.StdOut);
        Assert.Contains("RemoteAddr: 10.244.1.1:", nodePort.StdOut); // the relay starts at node-1's host sandbox
        Assert.Contains("GET /np HTTP/1.1\n", nodePort.StdOut);

        // LoadBalancer: the service port on every node's address, as k3s ServiceLB does.
        RunningTool lb = _overlay.RunInNamespace(TimeSpan.FromSeconds(30), "curl", "-sS", "--max-time", "20", "http://198.18.77.3:8080/lb");
        Assert.True(lb.ExitCode == 0, $"curl LoadBalancer: {lb.StdErr}; drops {_overlay.Board2.Node.Drops}");
        Assert.Contains("Hostname: web-2\n", lb.StdOut);
        Assert.Contains("RemoteAddr: 10.244.2.1:", lb.StdOut);
    }

    [RequiresToolFact("root", "ip", "bridge", "ethtool", "/usr/bin/python3")]
    public void A_pod_reaches_an_outside_server_through_its_boards_own_TCP_and_is_refused_where_egress_is_off()
    {
        string dir = Directory.CreateTempSubdirectory("edge-ix-out").FullName;
        File.WriteAllText(Path.Combine(dir, "index.html"), "outside world\n");
        using RunningTool server = _overlay.StartInNamespace("/usr/bin/python3", "-m", "http.server", "8001", "--bind", "198.18.77.2", "--directory", dir);
        try
        {
            // node-1 allows egress: the server sees node-1's address, not the pod's.
            PodSandbox client = _overlay.Board1.Pod("client").Sandbox;
            var body = new HashSink();
            HttpGet get = null!;
            Assert.True(_overlay.Lab.RunUntil(() =>
            {
                if (get == null || (get.State == HttpGet.Failed && get.BodyBytes == 0))
                {
                    get = new HttpGet(client, LoopbackLab.Ip("198.18.77.2"), 8001, "198.18.77.2", "/index.html", body);
                }

                get.Poll(_overlay.Board1.Node.Context.Now);
                return get.State == HttpGet.Finished;
            }, TimeSpan.FromSeconds(30)), $"egress: {get?.State} {get?.Error}; drops {_overlay.Board1.Node.Drops}");
            Assert.Equal(200, get!.StatusCode);
            Assert.Equal(14, body.Length);
            Assert.True(_overlay.Board1.Node.Egress!.Connections >= 1);

            // node-2 does not: its pods get "no route to host" at once.
            PodSandbox web = _overlay.Board2.Pod("web-2").Sandbox;
            var refused = new HttpGet(web, LoopbackLab.Ip("198.18.77.2"), 8001, "x", "/", body);
            Assert.True(_overlay.Lab.RunUntil(() => { refused.Poll(_overlay.Board2.Node.Context.Now); return refused.Done; }, TimeSpan.FromSeconds(10)));
            Assert.Equal("no route to host", refused.Error);
            Assert.True(_overlay.Board2.Node.Drops[DropReason.EgressDenied] >= 1);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private const string UdpClient =
        "import socket,sys; s=socket.socket(2,2); s.settimeout(3); s.sendto(b'ping over udp',(sys.argv[1],int(sys.argv[2]))); print(s.recvfrom(100)[0].decode())";

    private const string UdpEchoServer =
        "import socket; s=socket.socket(2,2); s.bind(('198.18.77.2',9009))\nwhile True:\n d,a=s.recvfrom(2048); s.sendto(d,a)";

    [RequiresToolFact("root", "ip", "bridge", "ethtool", "/usr/bin/python3")]
    public void UDP_reaches_pods_through_a_NodePort_and_leaves_a_pod_through_egress()
    {
        foreach (VirtualBoard board in _overlay.Lab.Boards)
        {
            var service = new Service { Namespace = "default", Name = "udp-echo", Type = ServiceType.NodePort, ClusterIp = LoopbackLab.Ip("10.96.0.70"), Port = 7, NodePort = 30007, Protocol = IpProtocol.Udp };
            service.SetEndpoints([LoopbackLab.Ip("10.244.1.9")], [7], [EndpointFlags.Ready | EndpointFlags.Serving]);
            Assert.True(board.Node.Proxy.SetService(service));
        }

        PodSandbox echoPod = _overlay.Board1.Node.AddPod("default", "echo", LoopbackLab.Ip("10.244.1.9"))!;
        IWorkload echo = WorkloadCatalog.Create("echo", echoPod, "node-1")!;
        try
        {
            RunningTool client = _overlay.StartInNamespace("/usr/bin/python3", "-c", UdpClient, "198.18.77.3", "30007");
            Assert.True(_overlay.Lab.RunUntil(() => { echo.Poll(_overlay.Board1.Node.Context.Now); return client.HasExited; }, TimeSpan.FromSeconds(10)));
            Assert.True(client.ExitCode == 0, client.StdErr + "; drops " + _overlay.Board2.Node.Drops);
            Assert.Equal("ping over udp\n", client.StdOut);

            using RunningTool server = _overlay.StartInNamespace("/usr/bin/python3", "-c", UdpEchoServer);
            UdpSocket socket = _overlay.Board1.Pod("client").Sandbox.OpenUdp(0)!;
            Assert.True(_overlay.Lab.RunUntil(() =>
            {
                socket.SendTo(LoopbackLab.Ip("198.18.77.2"), 9009, [1, 2, 3], 0, 3); // retried until the server is up
                _overlay.Lab.RunUntil(() => socket.HasData, TimeSpan.FromMilliseconds(200));
                return socket.HasData;
            }, TimeSpan.FromSeconds(10)), "no UDP reply through egress; drops " + _overlay.Board1.Node.Drops);
            byte[] buffer = new byte[8];
            Assert.Equal(3, socket.ReceiveFrom(buffer, 0, 8, out uint from, out ushort port));
            Assert.Equal((LoopbackLab.Ip("198.18.77.2"), (ushort)9009), (from, port)); // from whom the pod asked
        }
        finally
        {
            echo.Stop();
            _overlay.Board1.Node.RemovePod(echoPod);
        }
    }
}
