using Edge.Dataplane.Boards;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Tests.Boards;

/// <summary>What a board keeps in flash, how it checks it, and what it boots as.</summary>
[Trait("Category", Category.Unit)]
public sealed class BoardSettingsTests
{
    private static uint Ip(string text) => Ipv4Address.TryParse(text, out uint a) ? a : throw new ArgumentException(text);

    private static BoardSettings Lab1() => new()
    {
        Profile = "wt32-eth01", Name = "node-1", Static = true,
        Address = Ip("192.168.50.11"), PrefixLength = 24, Gateway = Ip("192.168.50.1"), Dns = Ip("192.168.50.1"),
    };

    [Fact]
    public void Settings_kept_in_storage_come_back_as_they_were_saved()
    {
        var storage = new MemoryStorage();
        Assert.True(Lab1().Save(storage));

        BoardSettings loaded = BoardSettings.Load(storage, out string? problem);

        Assert.Null(problem);
        Assert.Equal(("wt32-eth01", "node-1", true, Ip("192.168.50.11"), 24, Ip("192.168.50.1"), Ip("192.168.50.1")),
            (loaded.Profile, loaded.Name, loaded.Static, loaded.Address, loaded.PrefixLength, loaded.Gateway, loaded.Dns));
        Assert.Equal("static 192.168.50.11/24 via 192.168.50.1, DNS 192.168.50.1", loaded.DescribeAddressing());
    }

    [Fact]
    public void A_board_never_provisioned_boots_with_the_defaults_and_no_complaint()
    {
        BoardSettings loaded = BoardSettings.Load(new MemoryStorage(), out string? problem);

        Assert.Null(problem);
        Assert.Equal(("", "", false), (loaded.Profile, loaded.Name, loaded.Static));
        Assert.Equal("DHCP", loaded.DescribeAddressing());
    }

    [Fact]
    public void A_damaged_record_is_reported_and_the_board_boots_with_the_defaults()
    {
        var storage = new MemoryStorage();
        Lab1().Save(storage);
        byte[] record = storage.Read(BoardSettings.SlotKey0);
        record[^3] ^= 0x40; // a flipped bit in flash
        storage.Write(BoardSettings.SlotKey0, record, 0, record.Length);

        BoardSettings loaded = BoardSettings.Load(storage, out string? problem);

        Assert.Contains("damaged", problem);
        Assert.Equal("", loaded.Name);
    }

    [Fact]
    public void A_record_cut_short_by_a_power_loss_reads_as_damaged()
    {
        var storage = new MemoryStorage();
        Lab1().Save(storage);
        byte[] record = storage.Read(BoardSettings.SlotKey0);
        storage.Write(BoardSettings.SlotKey0, record, 0, record.Length / 2);

        BoardSettings.Load(storage, out string? problem);

        Assert.Contains("damaged", problem);
    }

    [Theory]
    [InlineData("Node_1", null, 0, null, "must be a DNS label")]
    [InlineData("-node", null, 0, null, "must be a DNS label")]
    [InlineData("node-1", "192.168.50.11", 31, null, "prefix length from 8 to 30")]
    [InlineData("node-1", "192.168.50.11", 24, null, "a static address needs a gateway")]
    [InlineData("node-1", "192.168.50.0", 24, "192.168.50.1", "is not a host address")]
    [InlineData("node-1", "192.168.50.255", 24, "192.168.50.1", "is not a host address")]
    [InlineData("node-1", "127.0.0.5", 8, "127.0.0.1", "is not a host address")]
    [InlineData("node-1", "192.168.50.11", 24, "192.168.51.1", "gateway 192.168.51.1 is not another host on 192.168.50.0/24")]
    [InlineData("node-1", "192.168.50.11", 24, "192.168.50.11", "is not another host")]
    public void Settings_a_board_cannot_run_with_are_refused_with_what_to_fix(string name, string? address, int prefix, string? gateway, string expected)
    {
        var s = new BoardSettings { Name = name, Static = address != null, Address = address == null ? 0 : Ip(address), PrefixLength = prefix, Gateway = gateway == null ? 0 : Ip(gateway) };

        Assert.Contains(expected, s.Validate());
    }

    [Fact]
    public void An_unknown_profile_is_refused_and_the_valid_lab_settings_pass()
    {
        Assert.Contains("no board profile \"esp8266\"", new BoardSettings { Profile = "esp8266" }.Validate());
        Assert.Null(Lab1().Validate());
        Assert.Null(new BoardSettings().Validate());
    }

    [Fact]
    public void A_newer_record_format_is_not_misread()
    {
        byte[] buffer = new byte[64];
        var w = new PayloadWriter();
        w.Begin(buffer, 0, buffer.Length);
        w.Int(BoardSettings.FormatVersion + 1);
        w.String("something else");
        var r = new PayloadReader();
        r.Begin(buffer, 0, w.Length);

        Assert.Null(BoardSettings.Read(r));
    }

    [Fact]
    public void A_provisioned_board_boots_as_its_settings_say_and_an_unprovisioned_one_as_its_MAC_says()
    {
        BootPlan provisioned = BootPlan.From(Lab1(), "node-3f2a", MemoryClass.Wroom);
        BootPlan fresh = BootPlan.From(new BoardSettings(), "node-3f2a", MemoryClass.Wroom);
        BootPlan kit = BootPlan.From(new BoardSettings { Profile = "esp32-ethernet-kit" }, "node-77aa", MemoryClass.Wroom);

        Assert.Equal("node-1 on wt32-eth01 (wroom capacities), static 192.168.50.11/24 via 192.168.50.1, DNS 192.168.50.1", provisioned.Describe());
        Assert.Equal("255.255.255.0", provisioned.SubnetMask());
        Assert.Equal("node-3f2a (no board profile provisioned) (wroom capacities), DHCP", fresh.Describe());
        Assert.Equal(MemoryClass.Wrover, kit.MemoryClass);
    }

    [Fact]
    public void An_unprovisioned_board_is_named_after_the_last_two_bytes_of_its_MAC()
    {
        Assert.Equal("node-3f2a", BootPlan.NameFromMac([0x24, 0x0a, 0xc4, 0x11, 0x3f, 0x2a]));
        Assert.Equal("node-0000", BootPlan.NameFromMac(null!));
        Assert.Equal("node-0000", BootPlan.NameFromMac([0x01]));
    }
}
