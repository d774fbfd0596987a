using Edge.Host.Objects;

namespace Edge.Host.Tests.Objects;

/// <summary>Resource quantities read as apimachinery reads them, counted as kube-scheduler counts them.</summary>
[Trait("Category", Category.Unit)]
public sealed class QuantityTests
{
    [Theory]
    [InlineData("100m", 100, 1)]
    [InlineData("0.5", 500, 1)]
    [InlineData("1", 1000, 1)]
    [InlineData("2k", 2_000_000, 2000)]
    [InlineData("1e3", 1_000_000, 1000)]
    [InlineData("1E-3", 1, 1)]
    [InlineData("9Ki", 9_216_000, 9216)]
    [InlineData("1.5Ki", 1_536_000, 1536)]
    [InlineData("64Mi", 67_108_864_000, 67_108_864)]
    [InlineData("128M", 128_000_000_000, 128_000_000)]
    [InlineData("1n", 1, 1)]
    [InlineData("+3", 3000, 3)]
    public void A_quantity_is_a_number_and_one_suffix_rounded_up_to_millis_or_whole_units(string text, long milli, long whole)
    {
        Quantity q = Quantity.Parse(text);

        Assert.Equal((milli, whole), (q.MilliValue, q.WholeValue));
        Assert.Equal(text, q.ToString());
    }

    [Theory]
    [InlineData("64MB")]
    [InlineData("1.2.3")]
    [InlineData("Mi")]
    [InlineData("1 Mi")]
    [InlineData("1e99")]
    [InlineData("")]
    [InlineData("1Kib")]
    public void Text_that_is_not_a_quantity_is_refused_with_the_pattern_kube_apiserver_quotes(string text)
    {
        Assert.False(Quantity.TryParse(text, out _));
        FormatException e = Assert.Throws<FormatException>(() => Quantity.Parse(text));
        Assert.Contains("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'", e.Message);
    }

    [Theory]
    [InlineData(9216, "9Ki")]
    [InlineData(786432, "768Ki")]
    [InlineData(67108864, "64Mi")]
    [InlineData(1000, "1k")]
    [InlineData(64_000_000, "64M")]
    [InlineData(1500, "1500")]
    [InlineData(0, "0")]
    public void Memory_sums_print_in_the_largest_unit_they_are_a_whole_number_of_binary_first(long bytes, string printed)
    {
        Assert.Equal(printed, Quantity.FormatBytes(bytes));
    }

    [Theory]
    [InlineData(1000, "1")]
    [InlineData(250, "250m")]
    [InlineData(0, "0")]
    public void Cpu_sums_print_in_cores_or_millicores(long milli, string printed)
    {
        Assert.Equal(printed, Quantity.FormatMilli(milli));
    }
}
