using Edge.VirtualBoard;
using Edge.VirtualBoard.Config;

namespace Edge.VirtualBoard.Tests;

[Trait("Category", Category.Unit)]
public sealed class BoardConfigTests
{
    private static string Check(string json)
    {
        var e = Assert.Throws<BoardException>(() => BoardConfigLoader.ToNodeConfig(BoardConfigLoader.Parse(json, "board.json"), "board.json"));
        return e.Message;
    }

    [Fact]
    public void The_example_configs_are_valid()
    {
        foreach (string file in Directory.GetFiles(RepoPaths.Of("examples", "vboards"), "*.json"))
        {
            var node = BoardConfigLoader.ToNodeConfig(BoardConfigLoader.Load(file), file);
            Assert.NotEqual(0u, node.Address);
        }
    }

    [Fact]
    public void Every_problem_is_named_with_its_field_in_one_message()
    {
        string message = Check("""
            {
              "name": "",
              "address": "127.0.10.300",
              "podCidr": "10.244.1.5/24",
              "vxlanPort": 70000,
              "peers": [ { "address": "127.0.10.2", "podCidr": "10.244.1.0/25" } ],
              "pods": [ { "name": "web", "image": "nginx" }, { "name": "web", "image": "whoami", "ip": "10.244.9.9" } ]
            }
            """);

        Assert.StartsWith("board.json: \n", message);
        Assert.Contains("name: required", message);
        Assert.Contains("address: \"127.0.10.300\" is not an IPv4 address", message);
        Assert.Contains("podCidr: \"10.244.1.5/24\" is not a network in CIDR form", message);
        Assert.Contains("vxlanPort: 70000 is not a UDP port", message);
        Assert.Contains("pods[0].image: image \"nginx\" is not built into Edge; use one of: whoami, hello, echo, counter, toolbox, stress", message);
        Assert.Contains("pods[1].name: a pod default/web is already defined", message);
    }

    [Fact]
    public void A_pod_address_outside_the_pod_CIDR_and_overlapping_peers_are_refused()
    {
        string message = Check("""
            { "name": "n", "address": "127.0.10.1", "podCidr": "10.244.1.0/24",
              "peers": [ { "address": "127.0.10.2", "podCidr": "10.244.0.0/16" } ],
              "pods": [ { "name": "a", "image": "whoami", "ip": "10.244.2.9" }, { "name": "b", "image": "echo", "ip": "10.244.1.1" } ] }
            """);

        Assert.Contains("peers[0].podCidr: 10.244.0.0/16 overlaps this node's podCidr 10.244.1.0/24", message);
        Assert.Contains("pods[0].ip: 10.244.2.9 is outside podCidr 10.244.1.0/24", message);
        Assert.Contains("pods[1].ip: 10.244.1.1 is reserved", message);
    }

    [Fact]
    public void Broken_JSON_names_the_line_and_column()
    {
        var e = Assert.Throws<BoardException>(() => BoardConfigLoader.Parse("{\n  \"name\": \"n\",\n  \"address\": 12 ,\n}", "board.json"));

        Assert.StartsWith("board.json:3:", e.Message);
    }

    [Fact]
    public void Unknown_fields_are_refused_rather_than_ignored()
    {
        var e = Assert.Throws<BoardException>(() => BoardConfigLoader.Parse("{ \"name\": \"n\", \"podCIDRs\": [] }", "board.json"));

        Assert.Contains("podCIDRs", e.Message);
    }

    [Fact]
    public void Capacities_can_be_raised_by_name_and_typos_are_caught()
    {
        var node = BoardConfigLoader.ToNodeConfig(BoardConfigLoader.Parse(
            """{ "name": "n", "address": "127.0.10.1", "podCidr": "10.244.1.0/24", "capacity": { "maxPods": 16, "tcpReceiveBuffer": 16384 } }""", "b"), "b");
        Assert.Equal((16, 16384), (node.MaxPods, node.TcpReceiveBuffer));

        string message = Check("""{ "name": "n", "address": "127.0.10.1", "podCidr": "10.244.1.0/24", "capacity": { "maxPod": 16 } }""");
        Assert.Contains("capacity.maxPod: not a capacity; known: ", message);
        Assert.Contains("maxPods", message);
    }
}
