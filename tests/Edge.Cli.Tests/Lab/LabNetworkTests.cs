using Edge.Cli.Commands.Lab;
using Edge.Dataplane.Wire;

namespace Edge.Cli.Tests.Lab;

/// <summary>
/// The bridge layout on paper: which layout a lab takes and why, the /24 it picks, the names and
/// addresses it derives, and the `ip` commands that make it (what `lab up` runs as root).
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class LabNetworkTests
{
    private static readonly LabNetwork Lab = new() { Lab = "lab", Subnet = "198.19.1.0/24" };

    private static (uint, int) Prefix(string text)
    {
        Assert.True(LabLayout.TryParsePrefix(text, out uint network, out int prefix), text);
        return (network, prefix);
    }

    [Fact]
    public void Names_fit_in_an_interface_name_and_addresses_follow_the_plan()
    {
        Assert.Equal(("edge-lab", "edge-lab-3", "edge-lab-node-3", "edge-lab-j1"), (Lab.Bridge, Lab.BoardPort(3), Lab.BoardNamespace(3), Lab.JoinPort(1)));
        Assert.Equal(("198.19.1.254", "198.19.1.1", "198.19.1.32", "198.19.1.101", "198.19.1.199"),
            (Lab.HostAddress, Lab.BoardAddress(1), Lab.BoardAddress(LabUp.MaxNodes), Lab.JoinAddress(1), Lab.JoinAddress(LabNetwork.MaxJoins)));
        Assert.True(Lab.Contains("198.19.1.7"));
        Assert.False(Lab.Contains("198.19.2.7"));

        // A name too long (or not letters and digits) becomes a stable hash; the longest names stay within Linux's 15 characters.
        var long_ = new LabNetwork { Lab = "my-workshop-lab", Subnet = "198.19.2.0/24" };
        Assert.Matches("^h[0-9a-f]{5}$", long_.Tag);
        Assert.Equal(long_.Tag, LabNetwork.TagFor("my-workshop-lab"));
        Assert.NotEqual(long_.Tag, LabNetwork.TagFor("my-workshop-lab2"));
        Assert.Equal("abcdef", LabNetwork.TagFor("abcdef"));
        foreach (LabNetwork network in new[] { long_, new LabNetwork { Lab = "abcdef", Subnet = "198.19.3.0/24" } })
        {
            Assert.All(new[] { network.Bridge, network.BoardPort(LabUp.MaxNodes), network.JoinPort(LabNetwork.MaxJoins) }, name => Assert.InRange(name.Length, 1, 15));
        }
    }

    [Fact]
    public void Root_on_Linux_gets_the_bridge_and_every_other_case_says_why_it_is_on_loopback()
    {
        LabLayoutChoice Choose(string? first = null, LabNetwork? kept = null, bool loopbackKept = false, bool linux = true, bool root = true, bool ip = true) =>
            LabLayout.Choose("lab", first, kept, loopbackKept, linux, root, ip);

        Assert.Equal(LabLayoutKind.Bridge, Choose().Kind);
        Assert.Equal(LabLayoutKind.Bridge, Choose(kept: Lab).Kind);
        Assert.Equal((LabLayoutKind.Loopback, "--first-address asked for it"), (Choose(first: "127.0.10.1").Kind, Choose(first: "127.0.10.1").Reason));
        Assert.Contains("needs root: `sudo edgectl lab up`", Choose(root: false).Reason);
        Assert.Contains("Linux's", Choose(linux: false).Reason);
        Assert.Contains("iproute2", Choose(ip: false).Reason);
        Assert.Contains("lab down --purge", Choose(loopbackKept: true).Reason); // a loopback lab keeps its nodes' addresses

        // A bridged lab keeps its layout: loopback addresses or a lab up without root are refused, saying what to do.
        Assert.Contains("leave out --first-address", Assert.Throws<CliException>(() => Choose(first: "127.0.10.1", kept: Lab)).Message);
        Assert.Contains("sudo edgectl lab up", Assert.Throws<CliException>(() => Choose(kept: Lab, root: false)).Message);
    }

    [Fact]
    public void A_lab_takes_the_first_slash_24_of_198_19_that_nothing_on_the_host_overlaps()
    {
        Assert.Equal("198.19.1.0/24", LabLayout.PickSubnet([Prefix("0.0.0.0/0"), Prefix("192.0.2.2/24"), Prefix("198.18.77.0/24")]));
        Assert.Equal("198.19.3.0/24", LabLayout.PickSubnet([Prefix("198.19.1.254/24"), Prefix("198.19.2.0/25")]));
        Assert.Equal("198.19.2.0/24", LabLayout.PickSubnet([Prefix("198.19.1.9")])); // one address (a /32) is enough to take a /24
        Assert.Null(LabLayout.PickSubnet([Prefix("198.18.0.0/15")]));

        Assert.False(LabLayout.TryParsePrefix("default", out _, out _));
        Assert.False(LabLayout.TryParsePrefix("10.0.0.0/33", out _, out _));
        Assert.Equal((Ipv4Address.FromOctets(192, 0, 2, 0), 24), Prefix("192.0.2.2/24"));
    }

    [Fact]
    public void The_plan_puts_each_board_in_a_namespace_on_the_bridge_and_links_a_joining_namespace_in()
    {
        Assert.Equal(
        [
            "ip link add edge-lab type bridge",
            "ip addr replace 198.19.1.254/24 dev edge-lab",
            "ip link set edge-lab up",
        ], BridgePlan.Bridge(Lab, exists: false));
        Assert.DoesNotContain("ip link add edge-lab type bridge", BridgePlan.Bridge(Lab, exists: true));

        Assert.Equal(
        [
            "ip netns add edge-lab-node-2",
            "ip -n edge-lab-node-2 link set lo up",
            "ip link add edge-lab-2 type veth peer name eth0 netns edge-lab-node-2",
            "ip link set edge-lab-2 master edge-lab up",
            "ip -n edge-lab-node-2 addr add 198.19.1.2/24 dev eth0",
            "ip -n edge-lab-node-2 link set eth0 up",
            "ip -n edge-lab-node-2 route add default via 198.19.1.254",
        ], BridgePlan.Board(Lab, 2));

        Assert.Equal(
        [
            "ip link add edge-lab-j3 type veth peer name edge-lab netns attendee",
            "ip link set edge-lab-j3 master edge-lab up",
            "ip -n attendee addr add 198.19.1.103/24 dev edge-lab",
            "ip -n attendee link set edge-lab up",
        ], BridgePlan.Namespace(Lab, 3, "attendee"));
        Assert.Equal(["ip link del edge-lab-j3"], BridgePlan.RemoveNamespace(Lab, 3));
        Assert.Equal(["ip netns del edge-lab-node-2", "ip link del edge-lab-2"], BridgePlan.RemoveBoard(Lab, 2));
    }
}
