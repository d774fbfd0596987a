using Edge.Dataplane.Proxy;
using Edge.Dataplane.Proxy.Views;

namespace Edge.Dataplane.Tests.Proxy;

/// <summary>The teaching views, against golden text (see Golden/README.md).</summary>
[Trait("Category", Category.Unit)]
public sealed class ViewTests
{
    private static string Golden(string name) => File.ReadAllText(RepoPaths.Of("tests", "Edge.Dataplane.Tests", "Proxy", "Golden", name));

    [Fact]
    public void The_service_table_renders_as_kube_proxys_iptables_save()
    {
        ServiceProxy proxy = ViewScenario.Build();

        Assert.Equal(Golden("iptables-save.txt"), IptablesView.Render(proxy.Services, ViewScenario.Ip("10.244.0.0"), 16));
    }

    [Fact]
    public void The_service_table_renders_as_ipvsadm_Ln()
    {
        ServiceProxy proxy = ViewScenario.Build();

        Assert.Equal(Golden("ipvsadm-Ln.txt"), IpvsView.Render(proxy.Services, proxy.Conntrack, 1000));
    }

    [Fact]
    public void The_connection_table_renders_as_conntrack_L()
    {
        ServiceProxy proxy = ViewScenario.Build();

        Assert.Equal(Golden("conntrack-L.txt"), ConntrackView.Render(proxy.Conntrack, 1000));
    }

    [Fact]
    public void Without_accounting_the_connection_table_prints_as_Linux_does_with_nf_conntrack_acct_off()
    {
        ServiceProxy proxy = ViewScenario.Build(conntrackAccounting: false);

        string expected = string.Join("\n", Golden("conntrack-L.txt").Split('\n')
            .Select(line => System.Text.RegularExpressions.Regex.Replace(line, @"packets=\d+ bytes=\d+ ", "")));
        Assert.Equal(expected, ConntrackView.Render(proxy.Conntrack, 1000));
        Assert.Contains("[UNREPLIED]", expected);
    }

    [Theory]
    [InlineData(2, "0.5000000000")]
    [InlineData(3, "0.3333333333")]
    [InlineData(4, "0.2500000000")]
    [InlineData(7, "0.1428571429")]
    public void Probabilities_print_as_kube_proxy_prints_them(int n, string expected) =>
        Assert.Equal(expected, IptablesView.Probability(n));

    [Fact]
    public void The_probability_chain_picks_every_endpoint_with_chance_one_in_n()
    {
        for (int n = 1; n <= 12; n++)
        {
            double reach = 1.0;
            for (int i = 0; i < n; i++)
            {
                int remaining = n - i;
                double p = remaining > 1 ? double.Parse(IptablesView.Probability(remaining), System.Globalization.CultureInfo.InvariantCulture) : 1.0;
                Assert.InRange(reach * p, 1.0 / n - 1e-9, 1.0 / n + 1e-9);
                reach *= 1 - p;
            }
        }
    }

    [Fact]
    public void Chain_names_are_stable_and_differ_per_service_port()
    {
        Assert.Equal(ChainName.Of("KUBE-SVC-", "shop/web:httptcp"), ChainName.Of("KUBE-SVC-", "shop/web:httptcp"));
        Assert.NotEqual(ChainName.Of("KUBE-SVC-", "shop/web:httptcp"), ChainName.Of("KUBE-SVC-", "shop/web:httpudp"));
        Assert.Matches("^KUBE-SVC-[A-Z2-7]{16}$", ChainName.Of("KUBE-SVC-", "x"));
    }
}
