using Edge.Dataplane.Wire;
using Edge.Host.Allocation;

namespace Edge.Host.Tests.Allocation;

[Trait("Category", Category.Unit)]
public sealed class ClusterNetworkTests
{
    private static string Ip(uint address) => Ipv4Address.Format(address);

    [Fact]
    public void Defaults_are_kubeadms_with_the_API_and_DNS_addresses_reserved()
    {
        var net = new ClusterNetwork();

        Assert.Equal("10.96.0.0/16", net.ServiceCidr);
        Assert.Equal("10.96.0.10", Ip(net.DnsServiceIp));
        Assert.Equal("10.96.0.2", Ip(net.AllocateServiceIp(null)));
        Assert.Equal(65534 - 3, net.FreeServiceIps);
        Assert.Equal("10.244.1.0/24", net.AllocatePodCidr());
        Assert.Equal("10.244.2.0/24", net.AllocatePodCidr());
        Assert.Equal(30000, net.AllocateNodePort(null, "spec.ports[0].nodePort"));
    }

    [Fact]
    public void Addresses_rotate_so_a_released_one_is_not_handed_out_again_at_once()
    {
        var net = new ClusterNetwork();
        uint first = net.AllocateServiceIp(null);
        net.ReleaseServiceIp(first);

        Assert.NotEqual(first, net.AllocateServiceIp(null));
    }

    [Fact]
    public void Requested_values_are_honoured_once_and_refused_with_the_reason_after()
    {
        var net = new ClusterNetwork();

        Assert.Equal("10.96.100.7", Ip(net.AllocateServiceIp("10.96.100.7")));
        Assert.Equal("spec.clusterIP: 10.96.100.7 is already allocated; leave clusterIP out to get a free one",
            Assert.Throws<AllocationException>(() => net.AllocateServiceIp("10.96.100.7")).Message);
        Assert.Contains("(it is the cluster DNS address)", Assert.Throws<AllocationException>(() => net.AllocateServiceIp("10.96.0.10")).Message);
        Assert.Equal("spec.clusterIP: 10.97.0.1 is not in the service range 10.96.0.0/16",
            Assert.Throws<AllocationException>(() => net.AllocateServiceIp("10.97.0.1")).Message);
        Assert.Contains("\"None\" for a headless service", Assert.Throws<AllocationException>(() => net.AllocateServiceIp("web")).Message);

        Assert.Equal(30080, net.AllocateNodePort(30080, "spec.ports[0].nodePort"));
        Assert.Equal("spec.ports[1].nodePort: 30080 is already allocated to another service; leave nodePort out to get a free one",
            Assert.Throws<AllocationException>(() => net.AllocateNodePort(30080, "spec.ports[1].nodePort")).Message);
        Assert.Contains("not in the node port range 30000-32767", Assert.Throws<AllocationException>(() => net.AllocateNodePort(8080, "p")).Message);
    }

    [Fact]
    public void Replaying_stored_objects_claims_what_they_hold()
    {
        var net = new ClusterNetwork();
        Assert.True(net.MarkPodCidr("10.244.1.0/24"));
        Assert.False(net.MarkPodCidr("10.244.1.0/24"));
        Assert.False(net.MarkPodCidr("10.245.0.0/24"));
        Assert.False(net.MarkPodCidr("10.244.1.0/25"));
        net.MarkServiceIp(Ipv4Address.FromOctets(10, 96, 0, 2));
        net.MarkNodePort(30000);

        Assert.Equal("10.244.2.0/24", net.AllocatePodCidr());
        Assert.Equal("10.96.0.3", Ip(net.AllocateServiceIp(null)));
        Assert.Equal(30001, net.AllocateNodePort(null, "p"));
    }

    [Fact]
    public void A_full_range_says_how_to_make_room()
    {
        var net = new ClusterNetwork(serviceCidr: "10.96.0.0/28", podCidr: "10.244.0.0/23", nodePortFirst: 30000, nodePortLast: 30001);
        for (int i = 0; i < 12; i++)
        {
            net.AllocateServiceIp(null); // 14 usable, two reserved
        }

        Assert.Contains("no free cluster IPs left in 10.96.0.0/28", Assert.Throws<AllocationException>(() => net.AllocateServiceIp(null)).Message);
        net.AllocatePodCidr();
        net.AllocatePodCidr();
        Assert.Contains("wider --pod-cidr", Assert.Throws<AllocationException>(() => net.AllocatePodCidr()).Message);
        net.AllocateNodePort(null, "p");
        net.AllocateNodePort(null, "p");
        Assert.Contains("all node ports 30000-30001 are taken", Assert.Throws<AllocationException>(() => net.AllocateNodePort(null, "p")).Message);
    }

    [Theory]
    [InlineData("10.96.0.1/16", "has host bits set; did you mean 10.96.0.0/16?")]
    [InlineData("10.96.0.0", "is not a CIDR like 10.96.0.0/16")]
    [InlineData("10.96.0.0/30", "use a prefix from /8 to /28")]
    public void Bad_address_plans_are_refused_up_front(string cidr, string expected)
    {
        Assert.Contains(expected, Assert.Throws<AllocationException>(() => new ClusterNetwork(serviceCidr: cidr)).Message);
    }
}
