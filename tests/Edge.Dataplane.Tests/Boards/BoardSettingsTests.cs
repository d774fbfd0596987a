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

    private static byte[] ClusterKey() => Enumerable.Range(0, 32).Select(i => (byte)(0xa0 + i)).ToArray();

    private static BoardSettings Lab1Keyed()
    {
        BoardSettings s = Lab1();
        s.Cluster = "lab-a";
        s.Key = ClusterKey();
        s.Boots = 300; // more than one byte as a varint
        return s;
    }

    private static BoardSettings ReadBack(BoardSettings s, bool withKey, out byte[] payload)
    {
        byte[] buffer = new byte[BoardSettings.MaxRecordBytes];
        var w = new PayloadWriter();
        w.Begin(buffer, 0, buffer.Length);
        s.Write(w, withKey);
        Assert.False(w.Overflow);
        payload = buffer[..w.Length];
        var r = new PayloadReader();
        r.Begin(buffer, 0, w.Length);
        return BoardSettings.Read(r);
    }

    [Fact]
    public void The_cluster_its_key_and_the_boot_count_come_back_as_they_were_saved()
    {
        var storage = new MemoryStorage();
        Assert.True(Lab1Keyed().Save(storage));

        BoardSettings loaded = BoardSettings.Load(storage, out string? problem);

        Assert.Null(problem);
        Assert.Equal(("lab-a", 300u), (loaded.Cluster, loaded.Boots));
        Assert.Equal(ClusterKey(), loaded.Key);
        Assert.Equal(("node-1", Ip("192.168.50.11")), (loaded.Name, loaded.Address));

        // The next save (a boot counted) goes to the other slot and wins.
        loaded.Boots++;
        Assert.True(loaded.Save(storage));
        Assert.Equal(301u, BoardSettings.Load(storage, out _).Boots);
        Assert.Equal(ClusterKey(), BoardSettings.Load(storage, out _).Key);
    }

    [Fact]
    public void Settings_without_a_key_come_back_without_one()
    {
        var storage = new MemoryStorage();
        BoardSettings s = Lab1();
        s.Cluster = "lab-a";
        Assert.True(s.Save(storage));

        BoardSettings loaded = BoardSettings.Load(storage, out string? problem);

        Assert.Null(problem);
        Assert.Null(loaded.Key);
        Assert.Equal("lab-a", loaded.Cluster);
    }

    [Fact]
    public void Written_without_the_key_the_record_keeps_the_cluster_and_reads_back_as_no_key()
    {
        BoardSettings withKey = ReadBack(Lab1Keyed(), true, out byte[] full);
        BoardSettings withoutKey = ReadBack(Lab1Keyed(), false, out byte[] answer);

        Assert.Equal(ClusterKey(), withKey.Key);
        Assert.Null(withoutKey.Key);
        Assert.Equal(("lab-a", 300u, "node-1"), (withoutKey.Cluster, withoutKey.Boots, withoutKey.Name));
        Assert.Equal(full.Length - ClusterKey().Length, answer.Length);
        Assert.Equal(-1, answer.AsSpan().IndexOf(ClusterKey().AsSpan(0, 8)));
        // Write(w) is the record as kept in flash: with the key.
        byte[] buffer = new byte[BoardSettings.MaxRecordBytes];
        var w = new PayloadWriter();
        w.Begin(buffer, 0, buffer.Length);
        Lab1Keyed().Write(w);
        Assert.Equal(full, buffer[..w.Length]);
    }

    [Fact]
    public void The_largest_record_fits()
    {
        var storage = new MemoryStorage();
        var s = new BoardSettings
        {
            Profile = new string('p', 63), Name = new string('n', 63), Cluster = new string('c', 63), Key = ClusterKey(), Boots = uint.MaxValue,
            Static = true, Address = uint.MaxValue, PrefixLength = -1, Gateway = uint.MaxValue, Dns = uint.MaxValue,
        };

        Assert.True(s.Save(storage));
        BoardSettings loaded = BoardSettings.Load(storage, out string? problem);
        Assert.Null(problem);
        Assert.Equal((new string('c', 63), uint.MaxValue, -1), (loaded.Cluster, loaded.Boots, loaded.PrefixLength));
        Assert.Equal(ClusterKey(), loaded.Key);
    }

    /// <summary>A record as boards wrote it before the cluster fields: the format version, then profile through DNS server.</summary>
    private static byte[] OldLayoutPayload()
    {
        byte[] buffer = new byte[128];
        var w = new PayloadWriter();
        w.Begin(buffer, 0, buffer.Length);
        w.Int(BoardSettings.FormatVersion);
        w.String("wt32-eth01");
        w.String("node-old");
        w.Bool(true);
        w.Address(Ip("192.168.50.12"));
        w.Int(24);
        w.Address(Ip("192.168.50.1"));
        w.Address(0);
        return buffer[..w.Length];
    }

    [Fact]
    public void A_slot_record_in_the_layout_from_before_the_cluster_fields_loads_as_no_key()
    {
        byte[] payload = OldLayoutPayload();
        byte[] record = new byte[10 + payload.Length]; // CRC-32, sequence number, payload length, payload
        NetworkOrder.WriteU32(record, 4, 1);
        NetworkOrder.WriteU16(record, 8, (ushort)payload.Length);
        payload.CopyTo(record, 10);
        NetworkOrder.WriteU32(record, 0, Crc32.Compute(record, 4, record.Length - 4));
        var storage = new MemoryStorage();
        storage.Write(BoardSettings.SlotKey0, record, 0, record.Length);

        BoardSettings loaded = BoardSettings.Load(storage, out string? problem);

        Assert.Null(problem);
        Assert.Equal(("node-old", Ip("192.168.50.12"), true), (loaded.Name, loaded.Address, loaded.Static));
        Assert.Null(loaded.Key);
        Assert.Equal(("", 0u), (loaded.Cluster, loaded.Boots));
        Assert.Null(loaded.Validate());
    }

    [Fact]
    public void A_single_record_from_before_the_slots_and_the_cluster_fields_loads_as_no_key()
    {
        byte[] payload = OldLayoutPayload();
        byte[] record = new byte[4 + payload.Length];
        payload.CopyTo(record, 4);
        NetworkOrder.WriteU32(record, 0, Crc32.Compute(record, 4, payload.Length));
        var storage = new MemoryStorage();
        storage.Write(BoardSettings.StorageKey, record, 0, record.Length);

        BoardSettings loaded = BoardSettings.Load(storage, out string? problem);

        Assert.Null(problem);
        Assert.Equal("node-old", loaded.Name);
        Assert.Null(loaded.Key);
        Assert.Equal(("", 0u), (loaded.Cluster, loaded.Boots));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public void A_key_that_is_not_32_bytes_is_refused(int length)
    {
        BoardSettings s = Lab1();
        s.Key = new byte[length];

        Assert.Contains("a cluster key is 32 bytes", s.Validate());
    }

    [Fact]
    public void A_32_byte_key_and_a_cluster_named_as_a_DNS_label_pass_and_other_cluster_names_do_not()
    {
        Assert.Null(Lab1Keyed().Validate());
        Assert.Contains("cluster name \"Lab_A\" must be a DNS label", new BoardSettings { Cluster = "Lab_A" }.Validate());
        Assert.Contains("must be a DNS label", new BoardSettings { Cluster = "-lab" }.Validate());
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
