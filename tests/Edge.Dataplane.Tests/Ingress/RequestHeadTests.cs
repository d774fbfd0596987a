using System.Text;
using Edge.Dataplane.Ingress;

namespace Edge.Dataplane.Tests.Ingress;

/// <summary>
/// The request head as RFC 9112 has it, read where it lies: the parts a route needs, what makes
/// a head incomplete, and what makes it a bad request (the status the ingress answers with).
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class RequestHeadTests
{
    [Fact]
    public void The_method_target_path_version_and_host_are_found_in_place()
    {
        var (head, bytes) = Parse("GET /a/b?c=d HTTP/1.1\r\nUser-Agent: curl\r\nhOsT:  Lab.Example:8080 \r\n\r\nbody");
        Assert.Equal("GET", Text(bytes, head.MethodStart, head.MethodLength));
        Assert.Equal("/a/b?c=d", Text(bytes, head.TargetStart, head.TargetLength));
        Assert.Equal("/a/b", Text(bytes, head.TargetStart, head.PathLength));
        Assert.Equal(1, head.Minor);
        Assert.Equal("Lab.Example:8080", Text(bytes, head.HostStart, head.HostLength));
        Assert.Equal("Lab.Example", Text(bytes, head.HostStart, head.HostNameLength));
        Assert.Equal(bytes.Length - 4, head.Length);
        Assert.False(head.Upgrade);
    }

    public static TheoryData<string, int> Heads => new()
    {
        { "GET / HTTP/1.1\r\nHost: a\r\n\r\n", RequestHead.Complete },
        { "GET / HTTP/1.1\nHost: a\n\n", RequestHead.Complete }, // bare LF (RFC 9112 2.2)
        { "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", RequestHead.Complete }, // empty lines first (2.2)
        { "GET / HTTP/1.0\r\n\r\n", RequestHead.Complete }, // HTTP/1.0 needs no Host
        { "GET / HTTP/1.1\r\nHost: a\r\n", RequestHead.Incomplete },
        { "GET / HTTP/1.1", RequestHead.Incomplete },
        { "", RequestHead.Incomplete },
        { "GET / HTTP/1.1\r\n\r\n", RequestHead.BadRequest }, // no Host (3.2)
        { "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", RequestHead.BadRequest }, // two (3.2)
        { "GET / HTTP/1.1\r\nHost : a\r\n\r\n", RequestHead.BadRequest }, // space before the colon (5.1)
        { "GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", RequestHead.BadRequest }, // obs-fold (5.2)
        { "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", RequestHead.BadRequest },
        { "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", RequestHead.BadRequest },
        { "GET / HTTP/1.1\r\nHost: a:b\r\n\r\n", RequestHead.BadRequest },
        { "GET / HTTP/1.1\r\nNoColon\r\n\r\n", RequestHead.BadRequest },
        { "GET http://a/ HTTP/1.1\r\nHost: a\r\n\r\n", RequestHead.BadRequest }, // absolute form: the ingress is no proxy
        { "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", RequestHead.BadRequest },
        { "G(T / HTTP/1.1\r\nHost: a\r\n\r\n", RequestHead.BadRequest },
        { "GET / HTTP/1.1 \r\nHost: a\r\n\r\n", RequestHead.BadRequest },
        { "GET / HTTX/1.1\r\nHost: a\r\n\r\n", RequestHead.BadRequest },
        { "GET / HTTP/2.0\r\nHost: a\r\n\r\n", RequestHead.VersionNotSupported },
        { "GET / HTTP/1.2\r\nHost: a\r\n\r\n", RequestHead.VersionNotSupported },
    };

    [Theory]
    [MemberData(nameof(Heads))]
    public void A_head_is_complete_incomplete_or_refused(string text, int expected)
    {
        Assert.Equal(expected, Parse(text).Head.Parse(Encoding.ASCII.GetBytes(text), text.Length));
    }

    [Fact]
    public void An_upgrade_request_is_seen()
    {
        Assert.True(Parse("GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n").Head.Upgrade);
    }

    [Fact]
    public void No_prefix_of_a_head_is_taken_for_a_whole_one_and_garbage_is_never_more_than_a_bad_request()
    {
        byte[] whole = Encoding.ASCII.GetBytes("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc");
        var head = new RequestHead();
        for (int n = 0; n < whole.Length - 3 - 1; n++)
        {
            Assert.Equal(RequestHead.Incomplete, head.Parse(whole, n));
        }

        Properties.Check(Properties.Bytes(0, 200), bytes =>
        {
            int status = new RequestHead().Parse(bytes, bytes.Length);
            Assert.Contains(status, new[] { RequestHead.Incomplete, RequestHead.Complete, RequestHead.BadRequest, RequestHead.VersionNotSupported });
        }, 2000);
    }

    private static (RequestHead Head, byte[] Bytes) Parse(string text)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(text);
        var head = new RequestHead();
        head.Parse(bytes, bytes.Length);
        return (head, bytes);
    }

    private static string Text(byte[] bytes, int start, int length) => Encoding.ASCII.GetString(bytes, start, length);
}
