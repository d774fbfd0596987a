using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Host.Api.Spdy;

namespace Edge.Cli.Api;

/// <summary>
/// The client's HTTP/1.1 upgrade to SPDY/3.1 (as kubectl's SPDY round tripper makes it): a POST
/// with <c>Connection: Upgrade</c>, <c>Upgrade: SPDY/3.1</c> and the stream protocol wanted; a
/// 101 naming that protocol hands the connection over to SPDY, anything else is the server's
/// Status, said as an error.
/// </summary>
public static class SpdyDialer
{
    private const int MaxHeaderFields = 100;

    public static async Task<SpdyConnection> UpgradeAsync(ApiClient api, string path, string protocol, CancellationToken cancel)
    {
        var server = new Uri(api.Server);
        var tcp = new TcpClient();
        Stream transport;
        try
        {
            await tcp.ConnectAsync(server.Host, server.Port, cancel);
            transport = tcp.GetStream();
            if (server.Scheme == Uri.UriSchemeHttps)
            {
                var tls = new SslStream(transport);
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = server.Host }, cancel);
                transport = tls;
            }
        }
        catch (SocketException)
        {
            tcp.Dispose();
            throw new CliException($"cannot reach the control plane at {api.Server}: is the lab up? (`edgectl lab status`, `edgectl lab up`)");
        }

        var request = new StringBuilder()
            .Append($"POST {path} HTTP/1.1\r\nHost: {server.Authority}\r\nUser-Agent: edgectl\r\nContent-Length: 0\r\n")
            .Append($"Connection: Upgrade\r\nUpgrade: {SpdyUpgrade.Protocol}\r\n{SpdyUpgrade.ProtocolVersionHeader}: {protocol}\r\n");
        if (api.Token != null)
        {
            request.Append($"Authorization: Bearer {api.Token}\r\n");
        }

        await transport.WriteAsync(Encoding.ASCII.GetBytes(request.Append("\r\n").ToString()), cancel);
        (int status, Dictionary<string, string> headers) = await ReadHeadAsync(transport, cancel);
        if (status == 101 && headers.GetValueOrDefault("upgrade", "").Contains("SPDY/3.1", StringComparison.OrdinalIgnoreCase)
            && headers.GetValueOrDefault(SpdyUpgrade.ProtocolVersionHeader.ToLowerInvariant()) == protocol)
        {
            return new SpdyConnection(transport, client: true);
        }

        string body = await ReadBodyAsync(transport, headers, cancel);
        await transport.DisposeAsync();
        tcp.Dispose();
        string message = body;
        try
        {
            message = (JsonNode.Parse(body) as JsonObject)?["message"]?.GetValue<string>() ?? body;
        }
        catch (JsonException)
        {
            // not a Status: say what came back
        }

        throw new CliException(status == 101 ? $"the control plane answered the upgrade without {SpdyUpgrade.Protocol} and {protocol}" : message.Trim());
    }

    /// <summary>The status code and the header fields (names in lower case), read up to the blank line and no further.</summary>
    private static async Task<(int Status, Dictionary<string, string> Headers)> ReadHeadAsync(Stream transport, CancellationToken cancel)
    {
        string statusLine = await ReadLineAsync(transport, cancel);
        string[] parts = statusLine.Split(' ', 3);
        if (parts.Length < 2 || !parts[0].StartsWith("HTTP/", StringComparison.Ordinal) || !int.TryParse(parts[1], out int status))
        {
            throw new CliException(statusLine.Length == 0
                ? "the control plane closed the connection before answering the upgrade"
                : $"the control plane answered with \"{statusLine}\", not HTTP");
        }

        var headers = new Dictionary<string, string>();
        for (int fields = 0; fields < MaxHeaderFields; fields++)
        {
            string line = await ReadLineAsync(transport, cancel);
            if (line.Length == 0)
            {
                return (status, headers);
            }

            int colon = line.IndexOf(':');
            if (colon > 0)
            {
                headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
            }
        }

        throw new CliException($"the control plane's answer has more than {MaxHeaderFields} header fields");
    }

    /// <summary>The refusal's body: by Content-Length, or chunked (RFC 9112 7.1), at most 64 KiB.</summary>
    private static async Task<string> ReadBodyAsync(Stream transport, Dictionary<string, string> headers, CancellationToken cancel)
    {
        const int Most = 64 * 1024;
        var body = new MemoryStream();
        if (headers.GetValueOrDefault("transfer-encoding", "").Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            while (body.Length < Most && int.TryParse((await ReadLineAsync(transport, cancel)).Split(';')[0], System.Globalization.NumberStyles.HexNumber, null, out int size) && size > 0)
            {
                byte[] chunk = new byte[Math.Min(size, Most)];
                await transport.ReadExactlyAsync(chunk, cancel);
                body.Write(chunk);
                await ReadLineAsync(transport, cancel);
            }
        }
        else if (int.TryParse(headers.GetValueOrDefault("content-length"), out int length) && length > 0)
        {
            byte[] all = new byte[Math.Min(length, Most)];
            await transport.ReadExactlyAsync(all, cancel);
            body.Write(all);
        }

        return Encoding.UTF8.GetString(body.ToArray());
    }

    private static async Task<string> ReadLineAsync(Stream transport, CancellationToken cancel)
    {
        var line = new StringBuilder();
        byte[] one = new byte[1];
        while (line.Length < 1024 && await transport.ReadAsync(one, cancel) == 1 && one[0] != '\n')
        {
            if (one[0] != '\r')
            {
                line.Append((char)one[0]);
            }
        }

        return line.ToString();
    }
}
