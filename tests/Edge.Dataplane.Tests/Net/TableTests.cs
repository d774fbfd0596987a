using Edge.Dataplane.Net;
using Edge.Dataplane.Wire;
using FsCheck.Fluent;

namespace Edge.Dataplane.Tests.Net;

/// <summary>The node's fixed tables: what they remember, for how long, and what they do when full.</summary>
[Trait("Category", Category.Unit)]
public sealed class TableTests
{
    [Fact]
    public void ARP_entries_are_found_until_they_expire()
    {
        var arp = new ArpCache(4);
        arp.Learn(0x0AF40102, 0x02420AF40102, now: 1000);

        Assert.True(arp.TryLookup(0x0AF40102, 1000 + ArpCache.ReachableMs - 1, out ulong mac));
        Assert.Equal(0x02420AF40102UL, mac);
        Assert.False(arp.TryLookup(0x0AF40102, 1000 + ArpCache.ReachableMs, out _));
        arp.Expire(1000 + ArpCache.ReachableMs);
        Assert.Equal(0, arp.Count);
    }

    [Fact]
    public void ARP_requests_are_spaced_per_address_and_limited_per_second()
    {
        var arp = new ArpCache(64);

        Assert.True(arp.ShouldRequest(1, 1000));
        Assert.False(arp.ShouldRequest(1, 1500));           // same address within a second
        Assert.True(arp.ShouldRequest(1, 2000));
        int allowed = Enumerable.Range(10, 30).Count(a => arp.ShouldRequest((uint)a, 2100));
        Assert.Equal(ArpCache.RequestsPerSecond - 1, allowed); // one already spent at 2000 in this window
        Assert.True(arp.RequestsSuppressed > 0);
    }

    [Fact]
    public void A_full_ARP_cache_evicts_the_entry_expiring_soonest_and_never_grows()
    {
        var arp = new ArpCache(2);
        arp.Learn(1, 0x11, 1000);
        arp.Learn(2, 0x22, 2000);
        arp.Learn(3, 0x33, 3000);

        Assert.Equal(2, arp.Count);
        Assert.False(arp.TryLookup(1, 3000, out _));
        Assert.True(arp.TryLookup(3, 3000, out _));
        Assert.Equal(1, arp.Evictions);
    }

    [Fact]
    public void The_bridge_learns_ports_ignores_group_sources_and_ages_entries()
    {
        var macs = new MacTable(2);
        macs.Learn(0x020000000001, port: 3, now: 0);
        macs.Learn(MacAddress.Broadcast, port: 4, now: 0);

        Assert.Equal(3, macs.Lookup(0x020000000001, MacTable.AgeingMs - 1));
        Assert.Equal(-1, macs.Lookup(0x020000000001, MacTable.AgeingMs));
        Assert.Equal(-1, macs.Lookup(MacAddress.Broadcast, 0));
        macs.Learn(0x020000000001, port: 5, now: 10);          // moved
        Assert.Equal(5, macs.Lookup(0x020000000001, 10));
        macs.ForgetPort(5);
        Assert.Equal(-1, macs.Lookup(0x020000000001, 10));
    }

    [Fact]
    public void Routes_match_the_longest_prefix_and_peers_are_found_by_address_when_the_port_differs()
    {
        var routes = new RouteTable(4);
        Assert.True(routes.Set(Ipv4Address.FromOctets(10, 244, 0, 0), 16, 0xC0A8320B, 4789, 0x11));
        Assert.True(routes.Set(Ipv4Address.FromOctets(10, 244, 2, 0), 24, 0xC0A8320C, 4789, 0x22));

        Assert.Equal(0xC0A8320Cu, routes.PeerAddress(routes.Lookup(Ipv4Address.FromOctets(10, 244, 2, 9))));
        Assert.Equal(0xC0A8320Bu, routes.PeerAddress(routes.Lookup(Ipv4Address.FromOctets(10, 244, 7, 9))));
        Assert.Equal(-1, routes.Lookup(Ipv4Address.FromOctets(10, 245, 0, 1)));

        Assert.Equal(1, routes.FindPeer(0xC0A8320C, 4789));
        Assert.Equal(1, routes.FindPeer(0xC0A8320C, 51234)); // a Linux vxlan device's per-flow source port
        Assert.Equal(-1, routes.FindPeer(0xC0A83299, 4789));

        Assert.True(routes.Remove(Ipv4Address.FromOctets(10, 244, 0, 0), 16));
        Assert.Equal(-1, routes.Lookup(Ipv4Address.FromOctets(10, 244, 7, 9)));
    }

    [Fact]
    public void A_full_route_table_refuses_instead_of_growing()
    {
        var routes = new RouteTable(1);
        Assert.True(routes.Set(1 << 24, 8, 1, 1, 1));

        Assert.False(routes.Set(2 << 24, 8, 1, 1, 1));
        Assert.True(routes.Set(1 << 24, 8, 9, 9, 9)); // replacing is fine
        Assert.Equal(1, routes.Count);
    }

    [Fact]
    public void The_packet_pool_hands_out_what_it_has_and_then_null()
    {
        var pool = new PacketPool(2);
        PacketBuffer a = pool.Rent()!, b = pool.Rent()!;

        Assert.Null(pool.Rent());
        pool.Return(a);
        Assert.Same(a, pool.Rent());
        Assert.Equal(PacketBuffer.Headroom, a.Offset);
        pool.Return(b);
        Assert.Equal(1, pool.Available);
    }

    [Fact]
    public void The_byte_ring_keeps_bytes_in_order_across_wraparound()
    {
        Properties.Check(Properties.Bytes(1, 64).Zip(Gen.Choose(1, 40)), input =>
        {
            (byte[] ops, int capacity) = input;
            var ring = new ByteRing(capacity);
            var model = new Queue<byte>();
            byte next = 0;
            foreach (byte op in ops)
            {
                int n = op % 17;
                if ((op & 0x80) == 0)
                {
                    byte[] data = Enumerable.Range(0, n).Select(_ => next++).ToArray();
                    int written = ring.Write(data, 0, n);
                    Assert.Equal(Math.Min(n, capacity - model.Count), written);
                    foreach (byte b in data.Take(written))
                    {
                        model.Enqueue(b);
                    }

                    next = (byte)(next - (n - written));
                }
                else
                {
                    byte[] read = new byte[n];
                    int got = ring.Read(read, 0, n);
                    Assert.Equal(Math.Min(n, model.Count), got);
                    for (int i = 0; i < got; i++)
                    {
                        Assert.Equal(model.Dequeue(), read[i]);
                    }
                }

                Assert.Equal(model.Count, ring.Count);
            }
        });
    }
}
