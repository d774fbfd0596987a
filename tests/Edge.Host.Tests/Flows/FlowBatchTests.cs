using Edge.Host.Flows;

namespace Edge.Host.Tests.Flows;

[Trait("Category", Category.Unit)]
public sealed class FlowBatchTests
{
    private const string View = """
        flows 9 5 16 120000
        5 119000 service TCP 10.244.1.5:40001 10.96.0.10:80 dnat 10.244.2.3:8080 service default/web:http pick 2/3
        6 119010 reply TCP 10.244.2.3:8080 10.244.1.5:40001 undnat 10.96.0.10:80 snat
        7 119500 allowed UDP 10.244.1.5:40002 10.244.2.3:53 policy default/allow-dns rule 0 egress
        8 119600 denied TCP 10.244.1.5:40003 10.244.2.3:80 policy default/deny-in rule - ingress
        9 119700 dropped - - - reason truncated

        """;

    [Fact]
    public void A_boards_flows_view_reads_as_its_events_with_what_each_kind_says()
    {
        FlowBatch batch = FlowBatch.Parse(View);

        Assert.Equal((9L, 5L, 16, 120000u), (batch.Written, batch.Oldest, batch.Capacity, batch.BoardNow));
        Assert.Equal([5L, 6, 7, 8, 9], batch.Events.Select(e => e.Sequence));
        FlowEvent pick = batch.Events[0];
        Assert.Equal(("service", "TCP", "FORWARDED"), (pick.Kind, pick.Protocol, pick.Verdict));
        Assert.Equal(new FlowEnd("10.244.1.5", 40001), pick.Source);
        Assert.Equal(new FlowEnd("10.244.2.3", 8080), pick.TranslatedTo);
        Assert.Equal(("default/web:http", "2/3"), (pick.Service, pick.Pick));
        Assert.True(batch.Events[1].Snat);
        Assert.Equal(new FlowEnd("10.96.0.10", 80), batch.Events[1].TranslatedTo);
        Assert.Equal(("default/allow-dns", (int?)0, "egress"), (batch.Events[2].Policy, batch.Events[2].Rule, batch.Events[2].Direction));
        Assert.Equal(("DROPPED", (int?)null, "ingress"), (batch.Events[3].Verdict, batch.Events[3].Rule, batch.Events[3].Direction));
        Assert.Equal(("DROPPED", "truncated", (FlowEnd?)null), (batch.Events[4].Verdict, batch.Events[4].Reason, batch.Events[4].Source));
    }

    [Theory]
    [InlineData("", "the board sent no flows view (does its firmware keep flow events?)")]
    [InlineData("Chain KUBE-SERVICES\n", "not a flows view: \"Chain KUBE-SERVICES\"")]
    [InlineData("flows 1 1 16 5\nseven 1 service TCP a b\n", "not a flow event: \"seven 1 service TCP a b\"")]
    public void A_view_that_is_not_a_flows_view_is_an_error_that_says_what_came(string text, string message)
    {
        Assert.Equal(message, Assert.Throws<FormatException>(() => FlowBatch.Parse(text)).Message);
    }
}
