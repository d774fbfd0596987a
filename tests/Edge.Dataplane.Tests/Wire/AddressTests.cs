using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Tests.Wire;

[Trait("Category", Category.Unit)]
public sealed class AddressTests
{
    [Theory]
    [InlineData("10.244.1.5", 0x0AF40105u)]
    [InlineData("0.0.0.0", 0u)]
    [InlineData("255.255.255.255", 0xFFFFFFFFu)]
    [InlineData("127.0.10.1", 0x7F000A01u)]
    public void IPv4_text_round_trips(string text, uint value)
    {
        Assert.True(Ipv4Address.TryParse(text, out uint parsed));
        Assert.Equal(value, parsed);
        Assert.Equal(text, Ipv4Address.Format(value));
    }

    [Theory]
    [InlineData("")]
    [InlineData("10.244.1")]
    [InlineData("10.244.1.5.6")]
    [InlineData("10.244.1.256")]
    [InlineData("10..1.5")]
    [InlineData("10.244.1.")]
    [InlineData("a.b.c.d")]
    [InlineData(" 10.0.0.1")]
    [InlineData(null)]
    public void Not_an_IPv4_address(string? text)
    {
        Assert.False(Ipv4Address.TryParse(text!, out uint parsed));
        Assert.Equal(0u, parsed);
    }

    [Fact]
    public void Prefixes_mask_the_way_CIDR_does()
    {
        Assert.Equal(0xFFFFFF00u, Ipv4Address.MaskOf(24));
        Assert.Equal(0u, Ipv4Address.MaskOf(0));
        Assert.Equal(0xFFFFFFFFu, Ipv4Address.MaskOf(32));
        Assert.True(Ipv4Address.InPrefix(0x0AF40105, 0x0AF40000, 16));
        Assert.False(Ipv4Address.InPrefix(0x0AF50105, 0x0AF40000, 16));
    }

    [Theory]
    [InlineData("02:42:0a:f4:01:05", 0x02420AF40105ul)]
    [InlineData("ff:ff:ff:ff:ff:ff", 0xFFFFFFFFFFFFul)]
    public void MAC_text_round_trips(string text, ulong value)
    {
        Assert.True(MacAddress.TryParse(text, out ulong parsed));
        Assert.Equal(value, parsed);
        Assert.Equal(text, MacAddress.Format(value));
        Assert.True(MacAddress.TryParse(text.ToUpperInvariant().Replace(':', '-'), out parsed));
        Assert.Equal(value, parsed);
    }

    [Theory]
    [InlineData("02:42:0a:f4:01")]
    [InlineData("02:42:0a:f4:01:0g")]
    [InlineData("02.42.0a.f4.01.05")]
    public void Not_a_MAC(string text) => Assert.False(MacAddress.TryParse(text, out _));

    [Fact]
    public void MAC_bits_say_group_and_locally_administered()
    {
        Assert.True(MacAddress.IsGroup(MacAddress.Broadcast));
        Assert.False(MacAddress.IsGroup(0x02420AF40105));
        Assert.True(MacAddress.IsLocallyAdministered(0x02420AF40105));
        Assert.False(MacAddress.IsLocallyAdministered(0x240AC4000011));
    }
}
