using Edge.Dataplane.Dns;
using FsCheck.Fluent;
using static Edge.Dataplane.Tests.Dns.DnsZoneFixture;

namespace Edge.Dataplane.Tests.Dns;

/// <summary>Protocol corners: EDNS0, truncation, refusals, and a corpus of malformed queries.</summary>
[Trait("Category", Category.Unit)]
public sealed class DnsProtocolTests
{
    private static DnsServer _server = Server();

    private static (int Length, byte[] Bytes) Raw(byte[] query, int capacity = 4096, bool tcp = false)
    {
        byte[] response = new byte[capacity];
        int n = _server.Answer(query, 0, query.Length, response, 0, capacity, tcp);
        return (n, n > 0 ? response[..n] : []);
    }

    [Fact]
    public void EDNS0_is_echoed_with_our_payload_size()
    {
        DnsMessages.Response r = Ask(_server, DnsMessages.Query("web.default.svc.cluster.local.", DnsType.A, ednsSize: 4096));

        Assert.Equal("; OPT udp=1232 version=0 ext-rcode=0", r.Additional.Single());
    }

    [Fact]
    public void A_query_without_EDNS_gets_none()
    {
        Assert.Empty(Ask(_server, DnsMessages.Query("web.default.svc.cluster.local.", DnsType.A)).Additional);
    }

    [Fact]
    public void An_unknown_EDNS_version_gets_BADVERS()
    {
        DnsMessages.Response r = Ask(_server, DnsMessages.Query("web.default.svc.cluster.local.", DnsType.A, ednsSize: 1232, ednsVersion: 1));

        Assert.Equal(0, r.Rcode); // BADVERS is 16: header bits 0, the rest in OPT
        Assert.Equal("; OPT udp=1232 version=0 ext-rcode=1", r.Additional.Single());
        Assert.Empty(r.Answer);
    }

    [Fact]
    public void An_answer_too_big_for_512_bytes_is_truncated_and_fits_with_a_larger_buffer_or_TCP()
    {
        var zone = new DnsZone("cluster.local", 5, 4, 4);
        zone.SetService(new DnsService
        {
            Name = "big",
            EndpointAddresses = Enumerable.Range(1, 60).Select(i => Ip($"10.244.1.{i}")).ToArray(),
            EndpointHostnames = new string[60],
            EndpointReady = Enumerable.Repeat(true, 60).ToArray(),
        });
        var server = new DnsServer(zone);
        byte[] response = new byte[65535];
        byte[] plain = DnsMessages.Query("big.default.svc.cluster.local.", DnsType.A);

        int n = server.Answer(plain, 0, plain.Length, response, 0, response.Length, false);
        DnsMessages.Response udp = DnsMessages.Parse(response[..n]);
        Assert.True(udp.Tc);
        Assert.Empty(udp.Answer);
        Assert.True(n <= 512);

        byte[] edns = DnsMessages.Query("big.default.svc.cluster.local.", DnsType.A, ednsSize: 1232);
        n = server.Answer(edns, 0, edns.Length, response, 0, response.Length, false);
        DnsMessages.Response large = DnsMessages.Parse(response[..n]);
        Assert.False(large.Tc);
        Assert.Equal(60, large.Answer.Length);

        n = server.Answer(plain, 0, plain.Length, response, 0, response.Length, tcp: true);
        Assert.Equal(60, DnsMessages.Parse(response[..n]).Answer.Length);
    }

    [Fact]
    public void A_non_query_opcode_is_NOTIMP_and_a_non_IN_class_REFUSED()
    {
        byte[] notify = DnsMessages.Query("web.default.svc.cluster.local.", DnsType.SOA);
        notify[2] = 0x20; // opcode 4 (NOTIFY)
        Assert.Equal(DnsRcode.NotImp, DnsMessages.Parse(Raw(notify).Bytes).Rcode);

        Assert.Equal(DnsRcode.Refused, Ask(_server, DnsMessages.Query("version.bind.", DnsType.TXT, qclass: 3)).Rcode);
    }

    [Fact]
    public void Responses_are_never_answered()
    {
        byte[] response = DnsMessages.Query("web.default.svc.cluster.local.", DnsType.A);
        response[2] |= 0x80;

        Assert.Equal(-1, Raw(response).Length);
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "truncated header", "1234010000" },
        { "qdcount 0", "123401000000000000000000" },
        { "qdcount 2", "12340100000200000000000003776562000001000103776562000001000 1".Replace(" ", "") },
        { "name runs past the end", "123401000001000000000000037765" },
        { "pointer loop", "123401000001000000000000c00c00010001" },
        { "forward pointer", "123401000001000000000000c01000010001" + "0377656200" },
        { "pointer into the header", "123401000001000000000000c00200010001" },
        { "label over 63", "123401000001000000000000" + "40" + new string('6', 128) + "0000010001" },
        { "name over 255", "123401000001000000000000" + string.Concat(Enumerable.Repeat("3f" + new string('6', 126), 5)) + "0000010001" },
        { "no type and class", "1234010000010000000000000377656200" },
        { "extended label type", "1234010000010000000000004100000010001" + "0" },
        { "two OPT records", "123401000001000000000002" + "0377656200" + "00010001" + "00002910000000000000" + "00002910000000000000" },
        { "OPT not at the root", "123401000001000000000001" + "0377656200" + "00010001" + "0378797a00002910000000000000" },
        { "additional record past the end", "123401000001000000000001" + "0377656200" + "00010001" + "000029100000000000ff" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_queries_get_FORMERR_or_are_dropped_never_an_exception(string what, string hex)
    {
        byte[] query = Convert.FromHexString(hex.Length % 2 == 0 ? hex : hex + "0");
        long before = _server.Malformed;

        var (length, bytes) = Raw(query);

        Assert.True(length == -1 || DnsMessages.Parse(bytes).Rcode == DnsRcode.FormErr, $"{what}: length {length}");
        Assert.True(_server.Malformed > before, $"{what} was not counted as malformed");
    }

    [Fact]
    public void Random_bytes_never_crash_the_server()
    {
        byte[] response = new byte[1232];
        Properties.Check(Properties.Bytes(0, 300), query =>
        {
            int n = _server.Answer(query, 0, query.Length, response, 0, response.Length, false);
            Assert.InRange(n, -1, 1232);
        }, maxTests: 3000);
    }

    [Fact]
    public void Random_corruption_of_real_queries_never_crashes_and_answers_stay_parseable()
    {
        byte[] original = DnsMessages.Query("_mysql._tcp.db.default.svc.cluster.local.", DnsType.SRV, ednsSize: 1232);
        byte[] response = new byte[1232];
        Properties.Check(Gen.Choose(0, original.Length - 1).Zip(Gen.Choose(1, 255)), input =>
        {
            byte[] query = (byte[])original.Clone();
            query[input.Item1] ^= (byte)input.Item2;
            int n = _server.Answer(query, 0, query.Length, response, 0, response.Length, false);
            if (n > 0)
            {
                DnsMessages.Parse(response[..n]); // well-formed enough for an independent parser
            }
        }, maxTests: 3000);
    }
}
