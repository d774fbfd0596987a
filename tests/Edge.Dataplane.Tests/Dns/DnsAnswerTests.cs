using Edge.Dataplane.Dns;
using static Edge.Dataplane.Tests.Dns.DnsZoneFixture;

namespace Edge.Dataplane.Tests.Dns;

/// <summary>
/// Table-driven answers, expected as zone-file text (the CoreDNS kubernetes plugin's style of
/// test). SOA is "cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. serial 7200 1800 86400 5".
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class DnsAnswerTests
{
    private const string Soa = "cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. ";

    public static TheoryData<string, ushort, int, string[], string[], string[]> Cases => new()
    {
        // name, type, rcode, answer, authority (prefix match for SOA), additional
        { "dns-version.cluster.local.", DnsType.TXT, 0, ["dns-version.cluster.local. 5 IN TXT \"1.1.0\""], [], [] },
        { "web.default.svc.cluster.local.", DnsType.A, 0, ["web.default.svc.cluster.local. 5 IN A 10.96.0.20"], [], [] },
        { "WEB.Default.SVC.cluster.LOCAL.", DnsType.A, 0, ["WEB.Default.SVC.cluster.LOCAL. 5 IN A 10.96.0.20"], [], [] },
        { "web.default.svc.cluster.local.", DnsType.AAAA, 0, [], [Soa], [] },
        { "nope.default.svc.cluster.local.", DnsType.A, 3, [], [Soa], [] },
        { "web.nowhere.svc.cluster.local.", DnsType.A, 3, [], [Soa], [] },
        { "_http._tcp.web.default.svc.cluster.local.", DnsType.SRV, 0,
            ["_http._tcp.web.default.svc.cluster.local. 5 IN SRV 0 100 80 web.default.svc.cluster.local."], [],
            ["web.default.svc.cluster.local. 5 IN A 10.96.0.20"] },
        { "_http._udp.web.default.svc.cluster.local.", DnsType.SRV, 3, [], [Soa], [] },
        { "_dns._udp.kube-dns.kube-system.svc.cluster.local.", DnsType.SRV, 0,
            ["_dns._udp.kube-dns.kube-system.svc.cluster.local. 5 IN SRV 0 100 53 kube-dns.kube-system.svc.cluster.local."], [],
            ["kube-dns.kube-system.svc.cluster.local. 5 IN A 10.96.0.10"] },
        { "db.default.svc.cluster.local.", DnsType.A, 0,
            ["db.default.svc.cluster.local. 5 IN A 10.244.1.5", "db.default.svc.cluster.local. 5 IN A 10.244.2.6"], [], [] },
        { "db-0.db.default.svc.cluster.local.", DnsType.A, 0, ["db-0.db.default.svc.cluster.local. 5 IN A 10.244.1.5"], [], [] },
        { "10-244-2-6.db.default.svc.cluster.local.", DnsType.A, 0, ["10-244-2-6.db.default.svc.cluster.local. 5 IN A 10.244.2.6"], [], [] },
        { "db-2.db.default.svc.cluster.local.", DnsType.A, 3, [], [Soa], [] }, // not ready
        { "_mysql._tcp.db.default.svc.cluster.local.", DnsType.SRV, 0,
            ["_mysql._tcp.db.default.svc.cluster.local. 5 IN SRV 0 50 3306 db-0.db.default.svc.cluster.local.",
             "_mysql._tcp.db.default.svc.cluster.local. 5 IN SRV 0 50 3307 10-244-2-6.db.default.svc.cluster.local."], [],
            ["db-0.db.default.svc.cluster.local. 5 IN A 10.244.1.5", "10-244-2-6.db.default.svc.cluster.local. 5 IN A 10.244.2.6"] },
        { "ext.default.svc.cluster.local.", DnsType.A, 0, ["ext.default.svc.cluster.local. 5 IN CNAME db.example.com."], [], [] },
        { "10-244-1-5.default.pod.cluster.local.", DnsType.A, 0, ["10-244-1-5.default.pod.cluster.local. 5 IN A 10.244.1.5"], [], [] },
        { "10-244-1-5.shop.pod.cluster.local.", DnsType.A, 3, [], [Soa], [] }, // wrong namespace: verified pods only
        { "10-244-9-9.default.pod.cluster.local.", DnsType.A, 3, [], [Soa], [] },
        { "20.0.96.10.in-addr.arpa.", DnsType.PTR, 0, ["20.0.96.10.in-addr.arpa. 5 IN PTR web.default.svc.cluster.local."], [], [] },
        { "5.1.244.10.in-addr.arpa.", DnsType.PTR, 0, ["5.1.244.10.in-addr.arpa. 5 IN PTR db-0.db.default.svc.cluster.local."], [], [] },
        { "99.0.96.10.in-addr.arpa.", DnsType.PTR, 3, [], [Soa], [] },
        { "cluster.local.", DnsType.SOA, 0, [Soa], [], [] },
        { "cluster.local.", DnsType.A, 0, [], [Soa], [] },
        { "svc.cluster.local.", DnsType.A, 0, [], [Soa], [] },
        { "default.svc.cluster.local.", DnsType.A, 0, [], [Soa], [] },
        { "nowhere.svc.cluster.local.", DnsType.A, 3, [], [Soa], [] },
        { "pod.cluster.local.", DnsType.A, 0, [], [Soa], [] },
        { "other.cluster.local.", DnsType.A, 3, [], [Soa], [] },
        { "web.default.svc.cluster.local.", DnsType.ANY, 0, ["web.default.svc.cluster.local. 5 IN A 10.96.0.20"], [], [] }, // RFC 8482: one RRset
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Answers_match_the_Kubernetes_DNS_specification(string name, ushort type, int rcode, string[] answer, string[] authority, string[] additional)
    {
        DnsMessages.Response r = Ask(Server(), DnsMessages.Query(name, type));

        Assert.Equal(rcode, r.Rcode);
        Assert.True(r.Aa, "authoritative for the zone");
        Assert.Equal(name + " " + DnsType.Name(type), r.Question);
        Assert.Equal(answer.Where(a => !a.StartsWith(Soa)), r.Answer.Where(a => !a.StartsWith(Soa)));
        Assert.Equal(answer.Count(a => a.StartsWith(Soa)), r.Answer.Count(a => a.StartsWith(Soa)));
        Assert.Equal(authority.Length, r.Authority.Length);
        Assert.All(r.Authority, a => Assert.StartsWith(Soa, a));
        Assert.All(r.Authority, a => Assert.EndsWith(" 7200 1800 86400 5", a));
        Assert.Equal(additional, r.Additional);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ClusterIP_services_answered_from_the_service_table_answer_the_same(string name, ushort type, int rcode, string[] answer, string[] authority, string[] additional)
    {
        DnsMessages.Response r = Ask(Server(fromServiceTable: true), DnsMessages.Query(name, type));

        Assert.Equal(rcode, r.Rcode);
        Assert.Equal(answer.Where(a => !a.StartsWith(Soa)), r.Answer.Where(a => !a.StartsWith(Soa)));
        Assert.Equal(authority.Length, r.Authority.Length);
        Assert.Equal(additional, r.Additional);
    }

    [Fact]
    public void Names_outside_the_zone_are_refused_without_an_upstream_never_resolved()
    {
        DnsMessages.Response r = Ask(Server(), DnsMessages.Query("example.com.", DnsType.A));

        Assert.Equal(DnsRcode.Refused, r.Rcode);
        Assert.False(r.Aa);
        Assert.False(r.Ra);
        Assert.Empty(r.Answer);
    }

    [Fact]
    public void Names_outside_the_zone_are_handed_to_the_forwarder_when_there_is_one()
    {
        DnsServer server = Server(canForward: true);
        byte[] query = DnsMessages.Query("example.com.", DnsType.A);

        Assert.Equal(0, server.Answer(query, 0, query.Length, new byte[512], 0, 512, false));
        Assert.Equal(1, server.Forwarded);
    }

    [Fact]
    public void Reverse_names_of_other_networks_are_not_ours()
    {
        DnsMessages.Response r = Ask(Server(), DnsMessages.Query("1.1.168.192.in-addr.arpa.", DnsType.PTR));

        Assert.Equal(DnsRcode.Refused, r.Rcode);
    }

    [Fact]
    public void Answers_reuse_the_question_through_compression()
    {
        DnsServer server = Server();
        byte[] query = DnsMessages.Query("_mysql._tcp.db.default.svc.cluster.local.", DnsType.SRV);
        byte[] response = new byte[512];

        int n = server.Answer(query, 0, query.Length, response, 0, 512, false);

        // The answer owner is a pointer to the question at offset 12.
        int answerAt = query.Length;
        Assert.Equal(new byte[] { 0xC0, 0x0C }, response[answerAt..(answerAt + 2)]);
        Assert.True(n < 300, $"{n} bytes: compression should keep this small");
    }

    [Fact]
    public void Answering_allocates_nothing()
    {
        DnsServer server = Server();
        byte[] query = DnsMessages.Query("_mysql._tcp.db.default.svc.cluster.local.", DnsType.SRV, ednsSize: 1232);
        byte[] response = new byte[1232];
        for (int i = 0; i < 200; i++)
        {
            // warm up past tiered compilation, whose one-off work is not the answer's
            server.Answer(query, 0, query.Length, response, 0, response.Length, false);
        }

        Assert.Equal(0, Allocations.Least(() =>
        {
            for (int i = 0; i < 1000; i++)
            {
                server.Answer(query, 0, query.Length, response, 0, response.Length, false);
            }
        }));
    }
}
