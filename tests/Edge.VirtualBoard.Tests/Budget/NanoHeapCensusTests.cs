using Edge.Dataplane.Net;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Worker;
using Edge.VirtualBoard.Budget;

namespace Edge.VirtualBoard.Tests.Budget;

/// <summary>The census prices objects as nanoFramework's heap lays them out, and counts each live object once.</summary>
[Trait("Category", Category.Unit)]
public sealed class NanoHeapCensusTests
{
    private static NanoHeapCensus Census() => new();

    [Fact]
    public void Arrays_cost_a_20_byte_header_and_their_elements_rounded_to_12_byte_blocks()
    {
        Assert.Equal(36, Census().Add("bytes", new byte[10]));      // 20 + 10 = 30 -> 36
        Assert.Equal(1044, Census().Add("uints", new uint[256]));   // 20 + 1024 = 1044
        Assert.Equal(36, Census().Add("longs", new long[2]));       // 20 + 16
    }

    [Fact]
    public void A_string_built_at_run_time_pays_for_its_UTF8_text_and_a_literal_does_not()
    {
        string built = new string('a', 20);                            // 12 + 20 + 1 = 33 -> 36
        Assert.Equal(36, Census().Add("built", built));
        Assert.Equal(NanoHeapCensus.Block, Census().Add("literal", "a literal lives in flash"));
    }

    [Fact]
    public void An_object_is_a_header_block_and_a_block_per_field_then_what_it_points_to()
    {
        var counters = new DropCounters();
        long alone = Census().Add("counters", counters);
        int fields = typeof(DropCounters).GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic).Length;

        Assert.True(alone >= NanoHeapCensus.Block * (1 + fields), $"{alone} bytes for {fields} fields");
    }

    [Fact]
    public void What_two_roots_share_is_counted_once_under_the_first()
    {
        var census = Census();
        var shared = new uint[100];
        var a = new Service { EndpointAddresses = shared };
        var b = new Service { EndpointAddresses = shared };

        long first = census.Add("a", a);
        long second = census.Add("b", b);

        int fields = typeof(Service).GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic).Length;
        Assert.Equal(NanoHeapCensus.Block * (1 + fields), second); // b alone: the array (and the shared empty ones) went to a
        Assert.True(first >= second + 420);                          // 20 + 400 bytes of array
        Assert.Equal(first + second, census.TotalBytes);
    }
}
