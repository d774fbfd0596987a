using System.Text.Json.Nodes;
using Edge.Cli.Commands.Flows;
using Edge.Host.Flows;
using Edge.Host.Objects;

namespace Edge.Cli.Tests.Flows;

[Trait("Category", Category.Unit)]
public sealed class FlowPrinterTests
{
    private static KubeObject Obj(string json) => new((JsonObject)JsonNode.Parse(json)!);

    private static readonly FlowNames Names = new(
        [
            Obj("""{"kind": "Pod", "metadata": {"name": "client", "namespace": "default"}, "status": {"podIP": "10.244.1.5"}}"""),
            Obj("""{"kind": "Pod", "metadata": {"name": "web-a", "namespace": "default"}, "status": {"podIP": "10.244.2.3"}}"""),
        ],
        [Obj("""{"kind": "Service", "metadata": {"name": "web", "namespace": "default"}, "spec": {"clusterIP": "10.96.0.10"}}""")]);

    private static FlowEvent Event(string line) => FlowBatch.Parse("flows 1 1 16 1000\n" + line + "\n").Events[0];

    [Theory]
    [InlineData("1 1000 service TCP 10.244.1.5:40001 10.96.0.10:80 dnat 10.244.2.3:8080 service default/web:http pick 2/3",
        "default/client:40001 -> default/web:80 FORWARDED TCP service default/web:http: DNAT to default/web-a:8080, pick 2 of 3")]
    [InlineData("1 1000 service TCP 10.244.1.5:40001 10.96.0.10:80 dnat 10.244.2.3:8080 service default/web:http pick affinity/3",
        "default/client:40001 -> default/web:80 FORWARDED TCP service default/web:http: DNAT to default/web-a:8080, kept by session affinity")]
    [InlineData("1 1000 service TCP 10.244.2.3:40001 10.96.0.10:80 dnat 10.244.2.3:8080 service default/web:http pick 1/1 snat",
        "default/web-a:40001 -> default/web:80 FORWARDED TCP service default/web:http: DNAT to default/web-a:8080, pick 1 of 1, masqueraded (SNAT to the node)")]
    [InlineData("1 1000 reply TCP 10.244.2.3:8080 10.244.1.5:40001 undnat 10.96.0.10:80",
        "default/web-a:8080 -> default/client:40001 FORWARDED TCP reply: un-DNAT from default/web:80")]
    [InlineData("1 1000 denied TCP 10.244.1.5:40003 10.244.2.3:80 policy default/deny-in rule - ingress",
        "default/client:40003 -> default/web-a:80 DROPPED TCP policy default/deny-in denied it (ingress: no rule allows it)")]
    [InlineData("1 1000 allowed UDP 10.244.1.5:40002 192.168.1.1:53 policy default/allow-dns rule 1 egress",
        "default/client:40002 -> 192.168.1.1:53 FORWARDED UDP policy default/allow-dns allowed it (egress, rule 1)")]
    [InlineData("1 1000 dropped UDP 10.244.1.5:40002 10.96.0.10:53 reason no-endpoint",
        "default/client:40002 -> default/web:53 DROPPED UDP dropped: no-endpoint")]
    [InlineData("1 1000 dns UDP 10.244.1.5:40004 10.96.0.10:53 type 1 rcode 0 answers 1 answer 10.96.0.10 name web.default.svc.cluster.local.",
        "default/client:40004 -> default/web:53 FORWARDED UDP DNS A web.default.svc.cluster.local.: 10.96.0.10")]
    [InlineData("1 1000 dns UDP 10.244.1.5:40004 10.96.0.10:53 type 1 rcode 3 answers 0 answer - name nothing.default.svc.cluster.local.",
        "default/client:40004 -> default/web:53 FORWARDED UDP DNS A nothing.default.svc.cluster.local.: NXDOMAIN")]
    [InlineData("1 1000 dns UDP 10.244.1.5:40004 10.96.0.10:53 type 33 rcode 0 answers 2 answer - name -",
        "default/client:40004 -> default/web:53 FORWARDED UDP DNS SRV (name not kept): 2 answers")]
    public void A_flow_reads_as_hubble_prints_one_names_for_addresses_and_the_verdict_in_words(string line, string expected)
    {
        string printed = FlowPrinter.Line("node-1", new DateTime(2026, 12, 5, 23, 14, 2, 123, DateTimeKind.Local), Event(line), Names);

        Assert.Equal("Dec 5 23:14:02.123 node-1: " + expected, printed);
    }

    [Fact]
    public void As_json_a_flow_is_one_object_with_the_addresses_behind_the_names()
    {
        JsonNode json = JsonNode.Parse(FlowPrinter.Json("node-1", new DateTime(2026, 12, 5, 23, 14, 2, 123, DateTimeKind.Utc),
            Event("7 1000 service TCP 10.244.1.5:40001 10.96.0.10:80 dnat 10.244.2.3:8080 service default/web:http pick 2/3"), Names))!;

        Assert.Equal("2026-12-05T23:14:02.123Z", (string?)json["time"]);
        Assert.Equal(("node-1", 7L, "FORWARDED", "service"), ((string?)json["node_name"], (long?)json["sequence"], (string?)json["verdict"], (string?)json["type"]));
        Assert.Equal(("10.244.1.5", 40001, "default/client"), ((string?)json["source"]!["ip"], (int?)json["source"]!["port"], (string?)json["source"]!["name"]));
        Assert.Equal(("10.244.2.3", "default/web-a"), ((string?)json["translated_destination"]!["ip"], (string?)json["translated_destination"]!["name"]));
        Assert.Equal(("default/web:http", "2/3"), ((string?)json["service"], (string?)json["pick"]));
    }
}
