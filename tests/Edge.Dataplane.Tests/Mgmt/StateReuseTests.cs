using Edge.Dataplane.Agent;
using Edge.Dataplane.Dns;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Net;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Tests.Simulation;

namespace Edge.Dataplane.Tests.Mgmt;

/// <summary>A snapshot's unchanged entries are the board's own objects, not second copies.</summary>
[Trait("Category", Category.Unit)]
public sealed class StateReuseTests
{
    private static DesiredState State(uint generation, uint webEndpoint)
    {
        var web = new Service { Name = "web", PortName = "http", ClusterIp = 0x0A600014, Port = 80 };
        web.SetEndpoints([webEndpoint], [8080], [(byte)(EndpointFlags.Ready | EndpointFlags.Serving)]);
        var db = new Service { Name = "db", ClusterIp = 0x0A600015, Port = 5432 };
        db.SetEndpoints([0x0AF40207], [5432], [(byte)(EndpointFlags.Ready | EndpointFlags.Serving)]);
        return new DesiredState
        {
            Generation = generation,
            PodNetwork = 0x0AF40100,
            Peers = [new PeerSpec { Name = "node-2", PodNetwork = 0x0AF40200, Address = 0xC0A8320C }],
            Pods = [new PodSpec { Name = "client", Uid = "u-1", Address = 0x0AF40105, Containers = ContainerSpec.One("toolbox") }],
            Services = [web, db],
            DnsServices = [new DnsService { Name = "web", ClusterIp = 0x0A600014, PortNames = ["http"], PortProtocols = [6], PortNumbers = [80] },
                new DnsService { Name = "db", ClusterIp = 0x0A600015 }],
        };
    }

    private static DesiredState RoundTrip(DesiredState state, DesiredState? held)
    {
        byte[] buffer = new byte[Frame.MaxPayload];
        var w = new PayloadWriter();
        w.Begin(buffer, 0, buffer.Length);
        StateCodec.Encode(state, w);
        var r = new PayloadReader();
        r.Begin(buffer, 0, w.Length);
        return StateCodec.Decode(r, held!, null!);
    }

    [Fact]
    public void A_resync_of_the_same_state_is_made_of_the_objects_the_board_holds()
    {
        DesiredState held = RoundTrip(State(1, 0x0AF40206), null);

        DesiredState again = RoundTrip(State(2, 0x0AF40206), held);

        Assert.Equal(2u, again.Generation);
        Assert.Same(held.Services[0], again.Services[0]);
        Assert.Same(held.Services[1], again.Services[1]);
        Assert.Same(held.DnsServices[0], again.DnsServices[0]);
        Assert.Same(held.Pods[0], again.Pods[0]);
        Assert.Same(held.Peers[0], again.Peers[0]);
    }

    [Fact]
    public void A_changed_entry_arrives_as_a_new_object_and_the_rest_stay()
    {
        DesiredState held = RoundTrip(State(1, 0x0AF40206), null);

        DesiredState moved = RoundTrip(State(2, 0x0AF40309), held); // web's endpoint moved to node-3

        Assert.NotSame(held.Services[0], moved.Services[0]);
        Assert.Equal(0x0AF40309u, moved.Services[0].EndpointAddresses[0]);
        Assert.Same(held.Services[1], moved.Services[1]);
    }

    [Fact]
    public void A_changed_entry_takes_its_names_from_what_the_board_holds_not_a_second_copy()
    {
        DesiredState held = RoundTrip(State(1, 0x0AF40206), null);

        DesiredState moved = RoundTrip(State(2, 0x0AF40309), held); // web changed: a new object, with the names the board had

        Assert.NotSame(held.Services[0], moved.Services[0]);
        Assert.Same(held.Services[0].Name, moved.Services[0].Name);
        Assert.Same(held.Services[0].Namespace, moved.Services[0].Namespace);
        Assert.Same(held.Services[0].PortName, moved.Services[0].PortName);
        Assert.Same(held.ClusterDomain, moved.ClusterDomain);
        Assert.Same(held.Pods[0].Namespace, moved.Services[0].Namespace); // "default", once
    }

    [Fact]
    public void What_a_service_counted_survives_a_resync_that_did_not_change_it()
    {
        var agent = new NodeAgent(new NodeConfig { Name = "node-1", Address = SimCluster.BoardAddress(1) }, new SimClock(), new SimRandom(3), new SimNetwork(new SimClock(), new SimRandom(4)).Open(SimCluster.BoardAddress(1), 4789), null!);
        Assert.Null(agent.Apply(RoundTrip(State(1, 0x0AF40206), agent.AppliedState)));
        Service db = agent.Node.Proxy.Services.Find("default", "db", "")!;
        for (int i = 0; i < 7; i++)
        {
            agent.Node.Proxy.Services.CountConnection(db);
        }


        Assert.Null(agent.Apply(RoundTrip(State(2, 0x0AF40309), agent.AppliedState)));

        Assert.Same(db, agent.Node.Proxy.Services.Find("default", "db", ""));
        Assert.Equal(7, agent.Node.Proxy.Services.Connections(agent.Node.Proxy.Services.Find("default", "db", "")!));
        Assert.Equal(0x0AF40309u, agent.Node.Proxy.Services.Find("default", "web", "http")!.EndpointAddresses[0]);
        Assert.Equal(2u, agent.AppliedGeneration);
    }

    [Fact]
    public void A_changed_service_replaces_its_predecessor_in_the_tables_as_it_is_decoded_so_the_old_one_can_go()
    {
        var agent = new NodeAgent(new NodeConfig { Name = "node-1", Address = SimCluster.BoardAddress(1) }, new SimClock(), new SimRandom(5), new SimNetwork(new SimClock(), new SimRandom(6)).Open(SimCluster.BoardAddress(1), 4789), null!);
        Assert.Null(agent.Apply(RoundTrip(State(1, 0x0AF40206), agent.AppliedState)));
        Service before = agent.Node.Proxy.Services.Find("default", "web", "http")!;

        byte[] buffer = new byte[Frame.MaxPayload];
        var w = new PayloadWriter();
        w.Begin(buffer, 0, buffer.Length);
        StateCodec.Encode(State(2, 0x0AF40309), w);
        var r = new PayloadReader();
        r.Begin(buffer, 0, w.Length);
        DesiredState decoded = StateCodec.Decode(r, agent.AppliedState, agent);

        // Not applied yet, but neither the table nor the applied state holds the old service any more.
        Service now = agent.Node.Proxy.Services.Find("default", "web", "http")!;
        Assert.NotSame(before, now);
        Assert.Same(decoded.Services[0], now);
        Assert.DoesNotContain(before, agent.AppliedState.Services);
        Assert.Equal(1u, agent.AppliedGeneration);

        Assert.Null(agent.Apply(decoded));
        Assert.Equal(2u, agent.AppliedGeneration);
    }

    [Fact]
    public void Names_the_board_holds_and_new_ones_decode_right_while_the_board_replaces_its_entries_as_they_arrive()
    {
        var agent = new NodeAgent(new NodeConfig { Name = "node-1", Address = SimCluster.BoardAddress(1) }, new SimClock(), new SimRandom(7), new SimNetwork(new SimClock(), new SimRandom(8)).Open(SimCluster.BoardAddress(1), 4789), null!);
        Assert.Null(agent.Apply(RoundTrip(State(1, 0x0AF40206), agent.AppliedState)));
        DesiredState next = State(2, 0x0AF40309);
        next.Services[1].Namespace = "shop"; // a name the board has never seen, beside ones it holds
        next.DnsServices[0].PortNames = ["metrics"]; // a DNS entry replaced with other port names while decoded
        next.DnsServices[0].PortNumbers = [9090];
        next.ClusterPodAddresses = [0x0AF40105];
        next.ClusterPodNamespaces = ["shop"];

        byte[] buffer = new byte[Frame.MaxPayload];
        var w = new PayloadWriter();
        w.Begin(buffer, 0, buffer.Length);
        StateCodec.Encode(next, w);
        var r = new PayloadReader();
        r.Begin(buffer, 0, w.Length);
        DesiredState decoded = StateCodec.Decode(r, agent.AppliedState, agent)!;

        Assert.Equal(["default/web:http", "shop/db"], decoded.Services.Select(v => v.PortKey));
        Assert.Equal(["metrics"], decoded.DnsServices[0].PortNames);
        Assert.Equal(["shop"], decoded.ClusterPodNamespaces);
        Assert.Equal(["node-2"], decoded.Peers.Select(p => p.Name));
        Assert.Equal(["default/client u-1 toolbox"], decoded.Pods.Select(p => $"{p.Namespace}/{p.Name} {p.Uid} {p.Image}"));
        Assert.Equal("cluster.local", decoded.ClusterDomain);
        Assert.Null(agent.Apply(decoded));
    }

    [Fact]
    public void More_new_names_than_the_first_list_of_them_holds_decode_right_beside_the_names_the_board_holds()
    {
        DesiredState held = RoundTrip(State(1, 0x0AF40206), null);
        DesiredState next = State(2, 0x0AF40206);
        string[] namespaces = Enumerable.Range(0, 11).Select(i => $"team-{i}").ToArray(); // the list of new names doubles twice
        next.ClusterPodAddresses = namespaces.Select((_, i) => 0x0AF40110u + (uint)i).ToArray();
        next.ClusterPodNamespaces = namespaces;
        next.Pods[0].Containers = [next.Pods[0].Containers[0], new ContainerSpec { Name = "sidecar", Image = "whoami", Args = ["--port", "8080"] }];

        DesiredState decoded = RoundTrip(next, held);

        Assert.Equal(namespaces, decoded.ClusterPodNamespaces);
        Assert.Equal(["toolbox", "sidecar"], decoded.Pods[0].Containers.Select(c => c.Name));
        Assert.Equal(["--port", "8080"], decoded.Pods[0].Containers[1].Args);
        Assert.Same(held.Pods[0].Name, decoded.Pods[0].Name); // held names are still the board's own
        Assert.Equal(["default/web:http", "default/db"], decoded.Services.Select(v => v.PortKey));
    }

    [Fact]
    public void Services_decoded_with_equal_ports_share_one_array_of_each_and_different_ones_do_not()
    {
        DesiredState decoded = RoundTrip(State(1, 0x0AF40206), null);
        var second = new Service { Name = "web2", PortName = "http", ClusterIp = 0x0A600016, Port = 80 };
        second.SetEndpoints([0x0AF40208], [8080], [(byte)(EndpointFlags.Ready | EndpointFlags.Serving)]);
        DesiredState state = State(2, 0x0AF40206);
        state.Services = [.. state.Services, second];
        state.DnsServices = [.. state.DnsServices, new DnsService { Name = "web2", ClusterIp = 0x0A600016, PortNames = ["http"], PortProtocols = [6], PortNumbers = [80] }];

        decoded = RoundTrip(state, null);

        Service web = decoded.Services[0], db = decoded.Services[1], web2 = decoded.Services[2];
        Assert.Same(web.EndpointPorts, web2.EndpointPorts);         // [8080] both
        Assert.Same(web.EndpointFlagBits, web2.EndpointFlagBits);
        Assert.NotSame(web.EndpointPorts, db.EndpointPorts);        // [5432]
        Assert.NotSame(web.EndpointAddresses, web2.EndpointAddresses);
        Assert.Same(decoded.DnsServices[0].PortNames, decoded.DnsServices[2].PortNames);
        Assert.Same(decoded.DnsServices[0].PortNumbers, decoded.DnsServices[2].PortNumbers);
        Assert.Equal([0x0AF40208u], web2.EndpointAddresses);
    }
}
