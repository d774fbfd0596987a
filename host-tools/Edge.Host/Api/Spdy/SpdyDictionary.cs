using System.Buffers.Binary;
using System.Text;

namespace Edge.Host.Api.Spdy;

/// <summary>
/// The zlib dictionary SPDY/3 header blocks are compressed with (draft-mbelshe-httpbis-spdy-00,
/// 2.6.10.1): common header names as length-prefixed strings, then status lines, dates and
/// media types run together. Its Adler-32 (<see cref="Id"/>) is the DICTID every SPDY/3 zlib
/// stream names in its header, as kubectl's does.
/// </summary>
public static class SpdyDictionary
{
    /// <summary>Adler-32 of the dictionary, as RFC 1950's DICTID carries it.</summary>
    public const uint Id = 0xE3C6A7C2;

    private static readonly string[] Names =
    [
        "options", "head", "post", "put", "delete", "trace", "accept", "accept-charset", "accept-encoding",
        "accept-language", "accept-ranges", "age", "allow", "authorization", "cache-control", "connection",
        "content-base", "content-encoding", "content-language", "content-length", "content-location",
        "content-md5", "content-range", "content-type", "date", "etag", "expect", "expires", "from", "host",
        "if-match", "if-modified-since", "if-none-match", "if-range", "if-unmodified-since", "last-modified",
        "location", "max-forwards", "pragma", "proxy-authenticate", "proxy-authorization", "range", "referer",
        "retry-after", "server", "te", "trailer", "transfer-encoding", "upgrade", "user-agent", "vary", "via",
        "warning", "www-authenticate", "method", "get", "status", "200 OK", "version", "HTTP/1.1", "url",
        "public", "set-cookie", "keep-alive", "origin",
    ];

    private const string Tail =
        "100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505" +
        "203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized" +
        "403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable" +
        "Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT" +
        "chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain," +
        "text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.";

    public static byte[] Bytes { get; } = Build();

    private static byte[] Build()
    {
        var bytes = new List<byte>();
        Span<byte> length = stackalloc byte[4];
        foreach (string name in Names)
        {
            BinaryPrimitives.WriteUInt32BigEndian(length, (uint)name.Length);
            bytes.AddRange(length.ToArray());
            bytes.AddRange(Encoding.ASCII.GetBytes(name));
        }

        bytes.AddRange(Encoding.ASCII.GetBytes(Tail));
        return bytes.ToArray();
    }

    /// <summary>RFC 1950's Adler-32.</summary>
    public static uint Adler32(ReadOnlySpan<byte> data)
    {
        const uint Base = 65521;
        uint a = 1, b = 0;
        foreach (byte x in data)
        {
            a = (a + x) % Base;
            b = (b + a) % Base;
        }

        return (b << 16) | a;
    }
}
