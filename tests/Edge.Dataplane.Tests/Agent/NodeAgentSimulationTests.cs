using Edge.Dataplane.Worker;
using System.Text;
using Edge.Dataplane.Agent;
using Edge.Dataplane.Dns;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Net;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Tests.Simulation;
using Edge.Dataplane.Wire;
using Edge.Dataplane.Workloads.Tools;

namespace Edge.Dataplane.Tests.Agent;

/// <summary>Boards brought to a desired state from the host, and kept there through resyncs.</summary>
[Trait("Category", Category.Simulation)]
public sealed class NodeAgentSimulationTests
{
    private sealed class Sink : IByteSink
    {
        public readonly MemoryStream Bytes = new();

        public void Write(byte[] buffer, int offset, int length) => Bytes.Write(buffer, offset, length);

        public override string ToString() => Encoding.ASCII.GetString(Bytes.ToArray());
    }

    private sealed class Lab
    {
        public readonly SimClock Clock = new();
        public readonly SimNetwork Network;
        public readonly NodeAgent[] Agents;

        public Lab(int boards)
        {
            Network = new SimNetwork(Clock, new SimRandom(1));
            Agents = Enumerable.Range(1, boards).Select(i =>
            {
                var identity = new NodeConfig { Name = $"node-{i}", Address = SimCluster.BoardAddress(i) };
                return new NodeAgent(identity, Clock, new SimRandom((ulong)i), Network.Open(identity.Address, identity.VxlanPort), null!);
            }).ToArray();
        }

        public bool RunUntil(Func<bool> done, int ms = 5000)
        {
            for (int i = 0; i < ms; i++)
            {
                if (done())
                {
                    return true;
                }

                Clock.Milliseconds++;
                Network.Deliver();
                foreach (NodeAgent agent in Agents)
                {
                    agent.Poll();
                }
            }

            return done();
        }
    }

    /// <summary>What the host would compile for board n: a whoami pod on board 2 behind service "web", a toolbox on board 1.</summary>
    private static DesiredState StateFor(int board, uint generation, string webUid = "uid-web", string toolboxImage = "toolbox", bool withWeb = true)
    {
        uint webIp = Ipv4Address.FromOctets(10, 244, 2, 5);
        var pods = new List<PodSpec>();
        if (board == 1)
        {
            pods.Add(new PodSpec { Name = "client", Uid = "uid-client", Address = Ipv4Address.FromOctets(10, 244, 1, 5), Containers = ContainerSpec.One(toolboxImage) });
        }

        if (board == 2 && withWeb)
        {
            pods.Add(new PodSpec { Name = "web", Uid = webUid, Address = webIp, Containers = ContainerSpec.One("whoami") });
        }

        var service = new Service { Name = "web", ClusterIp = Ipv4Address.FromOctets(10, 96, 0, 20), Port = 80 };
        service.SetEndpoints(withWeb ? [webIp] : [], withWeb ? [80] : [],
            withWeb ? [(byte)(EndpointFlags.Ready | EndpointFlags.Serving | (board == 2 ? EndpointFlags.Local : 0))] : []);
        return new DesiredState
        {
            Generation = generation,
            PodNetwork = SimCluster.PodNetwork(board),
            Peers = Enumerable.Range(1, 2).Where(i => i != board)
                .Select(i => new PeerSpec { Name = $"node-{i}", PodNetwork = SimCluster.PodNetwork(i), Address = SimCluster.BoardAddress(i) }).ToArray(),
            Pods = pods.ToArray(),
            Services = [service],
            DnsServices = [new DnsService { Name = "web", ClusterIp = service.ClusterIp }],
            ClusterPodAddresses = [Ipv4Address.FromOctets(10, 244, 1, 5), webIp],
            ClusterPodNamespaces = ["default", "default"],
        };
    }

    private static (int Exit, string Out, string Err) Exec(Lab lab, PodSandbox pod, string command)
    {
        var stdout = new Sink();
        var stderr = new Sink();
        ITool? tool = ToolRunner.Start(pod, command.Split(' '), null, new ToolOutput(stdout, stderr), out int exit);
        Assert.NotNull(tool);
        Assert.True(lab.RunUntil(() => { tool!.Poll(lab.Clock.Milliseconds); return tool.Done; }, 30_000));
        return (tool!.ExitCode, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData("a..b")] // an empty label
    [InlineData(".local")]
    [InlineData("cluster.l\u00f6cal")] // not ASCII
    [InlineData("svc.a-label-of-sixty-four-characters-one-more-than-dns-allows-xxxxxx.local")]
    public void A_state_whose_cluster_domain_is_no_DNS_name_is_refused_and_the_board_keeps_what_it_runs(string domain)
    {
        var lab = new Lab(2);
        Assert.Null(lab.Agents[0].Apply(StateFor(1, 1)));
        DesiredState damaged = StateFor(1, 2);
        damaged.ClusterDomain = domain;

        string? error = lab.Agents[0].Apply(damaged);

        Assert.Equal($"the cluster domain \"{domain}\" is not a DNS name the board can serve", error);
        Assert.Equal(1u, lab.Agents[0].AppliedGeneration);
        Assert.Equal("cluster.local", lab.Agents[0].Node.Config.ClusterDomain);
        Assert.NotNull(lab.Agents[0].FindPod("default", "client"));
    }

    [Fact]
    public void A_cluster_domain_too_long_for_its_SOA_mailbox_is_refused_too()
    {
        // Every label fits, and so does the name (251 bytes on the wire), but "hostmaster." +
        // it does not: the zone could not answer SOA.
        string domain = string.Join(".", Enumerable.Repeat(new string('d', 61), 4));
        Assert.False(DnsZone.CanServe(domain));
        Assert.NotNull(DnsName.FromText(domain));
        Assert.True(DnsZone.CanServe("cluster.local"));
        Assert.Contains("is not a DNS name", new Lab(1).Agents[0].Apply(new DesiredState { ClusterDomain = domain }));
    }

    [Fact]
    public void Applied_state_serves_a_pod_on_one_board_to_a_pod_on_the_other_by_service_name()
    {
        var lab = new Lab(2);
        Assert.Null(lab.Agents[0].Apply(StateFor(1, 1)));
        Assert.Null(lab.Agents[1].Apply(StateFor(2, 1)));

        var run = Exec(lab, lab.Agents[0].FindPod("default", "client").Sandbox, "wget -qO- http://web/");

        Assert.Equal(0, run.Exit);
        Assert.Contains("Hostname: web\n", run.Out);
        Assert.Contains("Node: node-2\n", run.Out);
        Assert.Equal(1u, lab.Agents[1].AppliedGeneration);
    }

    [Fact]
    public void A_resync_of_the_same_pods_keeps_them_running_untouched()
    {
        var lab = new Lab(2);
        lab.Agents[1].Apply(StateFor(2, 1));
        PodSandbox before = lab.Agents[1].FindPod("default", "web").Sandbox;

        Assert.Null(lab.Agents[1].Apply(StateFor(2, 7)));

        Assert.Same(before, lab.Agents[1].FindPod("default", "web").Sandbox);
        Assert.Equal(7u, lab.Agents[1].AppliedGeneration);
    }

    [Fact]
    public void A_replaced_pod_is_restarted_and_a_removed_one_is_gone_with_its_service_endpoints()
    {
        var lab = new Lab(2);
        lab.Agents[1].Apply(StateFor(2, 1));
        PodSandbox first = lab.Agents[1].FindPod("default", "web").Sandbox;

        lab.Agents[1].Apply(StateFor(2, 2, webUid: "uid-web-2"));
        Assert.NotSame(first, lab.Agents[1].FindPod("default", "web").Sandbox);

        lab.Agents[1].Apply(StateFor(2, 3, withWeb: false));
        Assert.Null(lab.Agents[1].FindPod("default", "web"));
        Assert.Equal(0, lab.Agents[1].Node.PodCount);
        Assert.Equal(0, lab.Agents[1].Node.Proxy.Services.Find("default", "web", "")!.EndpointCount);
    }

    [Fact]
    public void A_pod_with_an_image_that_is_not_built_in_fails_with_a_reason_listing_the_images()
    {
        var lab = new Lab(1);
        lab.Agents[0].Apply(StateFor(1, 1, toolboxImage: "nginx:1.27"));

        RunningPod pod = lab.Agents[0].FindPod("default", "client");
        Assert.Equal(PodPhase.Failed, pod.Phase);
        Assert.Equal("ErrImageNeverPull", pod.Reason);
        Assert.Contains("use one of: whoami, hello, echo, counter, toolbox", pod.Message);
    }

    [Fact]
    public void A_new_pod_CIDR_rebuilds_the_node_and_its_pods_follow()
    {
        var lab = new Lab(1);
        lab.Agents[0].Apply(StateFor(1, 1));
        Node first = lab.Agents[0].Node;

        DesiredState moved = StateFor(1, 2);
        moved.PodNetwork = Ipv4Address.FromOctets(10, 244, 9, 0);
        moved.Pods[0].Address = Ipv4Address.FromOctets(10, 244, 9, 5);
        Assert.Null(lab.Agents[0].Apply(moved));

        Assert.NotSame(first, lab.Agents[0].Node);
        Assert.Equal(Ipv4Address.FromOctets(10, 244, 9, 5), lab.Agents[0].FindPod("default", "client").Sandbox.Address);
    }
}
