using Edge.Dataplane.Dns;
using static Edge.Dataplane.Tests.Dns.DnsMessages;

namespace Edge.Fuzz;

/// <summary>
/// DNS: a query message as the cluster DNS receives it (UDP and TCP, small and large answer
/// buffers, with and without an upstream), through <see cref="DnsServer.Answer"/> and so
/// <see cref="DnsQuery.Parse"/>. The answer must fit the buffer, carry the query's ID, and be
/// the same when the query sits at an offset in a larger buffer and when it is answered in
/// the query's own buffer (as the board answers a datagram).
/// </summary>
public sealed class DnsTarget : FuzzTarget
{
    private readonly DnsServer _server = FuzzFixtures.DnsServer(canForward: false);
    private readonly DnsServer _forwarding = FuzzFixtures.DnsServer(canForward: true);
    private readonly DnsQuery _query = new();
    private readonly byte[] _response = new byte[65535 + 16];
    private readonly byte[] _again = new byte[65535 + 16];
    private readonly byte[] _inPlace = new byte[1500]; // NodeContext.DatagramMax

    public override string Name => "dns";

    public override string Covers => "DnsServer.Answer (DnsQuery.Parse, zone lookups, writer, truncation, EDNS) over UDP/TCP limits, in place and at offsets";

    public override void Run(byte[] input)
    {
        Answer(_server, input, tcp: false, capacity: 512);
        Answer(_server, input, tcp: true, capacity: 65535);
        int n = Answer(_forwarding, input, tcp: false, capacity: 1500);

        // The question as text (tools and logs), of a query that parsed: after a refused parse the
        // name buffer holds a partial name (DnsName.ToText trusts it; nothing in the firmware asks then).
        if (_query.Parse(input, 0, input.Length) == DnsRcode.NoError)
        {
            _ = _query.NameText();
        }

        // In place, as the board answers a datagram: the query's buffer takes the answer.
        if (input.Length <= _inPlace.Length)
        {
            input.CopyTo(_inPlace, 0);
            int k = _forwarding.Answer(_inPlace, 0, input.Length, _inPlace, 0, _inPlace.Length, false);
            if (k != n || (n > 0 && !_response.AsSpan(0, n).SequenceEqual(_inPlace.AsSpan(0, k))))
            {
                throw new FuzzFinding($"the query answered in its own buffer was answered differently ({k} bytes, not {n})");
            }
        }

        // The same query at an offset, answered at an offset: the same answer.
        byte[] shifted = new byte[input.Length + 9];
        input.CopyTo(shifted, 5);
        shifted[^1] = 0xC0; // a trailing byte that is not the query's
        int m = _forwarding.Answer(shifted, 5, input.Length, _again, 3, 1500, false);
        if (m != n || (n > 0 && !_response.AsSpan(0, n).SequenceEqual(_again.AsSpan(3, m))))
        {
            throw new FuzzFinding($"the same query at offset 5 was answered differently ({m} bytes, not {n})");
        }
    }

    private int Answer(DnsServer server, byte[] query, bool tcp, int capacity)
    {
        int n = server.Answer(query, 0, query.Length, _response, 0, capacity, tcp);
        if (n > capacity || (n > 0 && n < 12))
        {
            throw new FuzzFinding($"an answer of {n} bytes for a buffer of {capacity}");
        }

        if (n > 0 && (_response[0] != query[0] || _response[1] != query[1] || (_response[2] & 0x80) == 0))
        {
            throw new FuzzFinding("an answer without the query's ID or the QR bit");
        }

        return n;
    }

    public override IEnumerable<KeyValuePair<string, byte[]>> Seeds()
    {
        yield return new("a-service", Query("web.default.svc.cluster.local", 1));
        yield return new("a-service-upper-case", Query("WEB.Default.SVC.cluster.LOCAL.", 1));
        yield return new("a-headless", Query("db.default.svc.cluster.local", 1));
        yield return new("a-headless-host", Query("db-0.db.default.svc.cluster.local", 1));
        yield return new("a-pod", Query("10-244-1-5.default.pod.cluster.local", 1));
        yield return new("srv-named-port", Query("_http._tcp.web.default.svc.cluster.local", 33));
        yield return new("srv-headless", Query("_mysql._tcp.db.default.svc.cluster.local", 33));
        yield return new("ptr-service", Query("20.0.96.10.in-addr.arpa", 12));
        yield return new("ptr-endpoint", Query("5.1.244.10.in-addr.arpa", 12));
        yield return new("txt-dns-version", Query("dns-version.cluster.local", 16));
        yield return new("cname-external-name", Query("ext.default.svc.cluster.local", 5));
        yield return new("aaaa-nodata", Query("web.default.svc.cluster.local", 28));
        yield return new("any", Query("web.default.svc.cluster.local", 255));
        yield return new("soa-zone", Query("cluster.local", 6));
        yield return new("nxdomain", Query("nothing.default.svc.cluster.local", 1));
        yield return new("out-of-zone-recursive", Query("example.com", 1));
        yield return new("out-of-zone-no-rd", Query("example.com", 1, rd: false));
        yield return new("class-chaos", Query("version.bind", 16, qclass: 3));
        yield return new("edns-4096", Query("web.default.svc.cluster.local", 1, ednsSize: 4096));
        yield return new("edns-version-1", Query("web.default.svc.cluster.local", 1, ednsSize: 1232, ednsVersion: 1));
        byte[] twoOpts = [.. Query("web.default.svc.cluster.local", 1, ednsSize: 1232)[..^11], .. Opt(), .. Opt()];
        twoOpts[11] = 2;
        yield return new("edns-two-opts", twoOpts);
        yield return new("label-64", Query(new string('a', 64) + ".cluster.local", 1));
        yield return new("name-over-255", Query(string.Join('.', Enumerable.Repeat(new string('b', 63), 5)), 1));
        yield return new("pointer-back-to-question", [.. Query("web.default.svc.cluster.local", 1), 0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 5, 0, 4, 10, 96, 0, 20]);
        yield return new("pointer-to-itself", [0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 0x0C, 0, 1, 0, 1]);
        yield return new("pointer-forward", [0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 0x10, 0, 1, 0, 1, 3, (byte)'w', (byte)'e', (byte)'b', 0]);
        yield return new("opcode-status", [0x12, 0x34, 0x10, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
        yield return new("two-questions", [0x12, 0x34, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0, 1]);
        yield return new("a-response", [0x12, 0x34, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1]);
        yield return new("header-only", [0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
        yield return new("eleven-bytes", [0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0]);
        yield return new("extended-label-type", [0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x41, 0, 0, 1, 0, 1]);
        yield return new("answer-count-huge", [0x12, 0x34, 1, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 1, 0, 1]);
    }


    private static byte[] Opt() => [0, 0, 41, 0x04, 0xD0, 0, 0, 0, 0, 0, 0];
}
