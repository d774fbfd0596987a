using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Edge.Host.Api.Spdy;

/// <summary>
/// The HTTP/1.1 upgrade to SPDY/3.1 as Kubernetes' streaming endpoints do it: the client offers
/// its stream protocols in <c>X-Stream-Protocol-Version</c> (one header per protocol, its
/// favourite first), the server answers 101 with <c>Upgrade: SPDY/3.1</c> and the one it chose,
/// and the connection then carries SPDY frames.
/// </summary>
public static class SpdyUpgrade
{
    public const string Protocol = "SPDY/3.1";
    public const string ProtocolVersionHeader = "X-Stream-Protocol-Version";

    public static bool Requested(HttpRequest request) => request.Headers.Upgrade.ToString().Contains("SPDY/", StringComparison.OrdinalIgnoreCase);

    /// <summary>The first protocol the client offers that the server speaks, as Kubernetes' httpstream negotiates.</summary>
    public static string? Negotiate(HttpRequest request, IReadOnlyList<string> served) =>
        request.Headers[ProtocolVersionHeader]
            .SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .FirstOrDefault(served.Contains);

    /// <summary>Answers 101 with <paramref name="protocol"/> and returns the connection, now SPDY's.</summary>
    public static async Task<SpdyConnection> AcceptAsync(HttpContext context, string protocol)
    {
        IHttpUpgradeFeature? upgrade = context.Features.Get<IHttpUpgradeFeature>();
        if (upgrade is not { IsUpgradableRequest: true })
        {
            throw new ApiException(400, "BadRequest", $"an upgrade to {Protocol} needs HTTP/1.1 with Connection: Upgrade");
        }

        context.Response.Headers[ProtocolVersionHeader] = protocol;
        context.Response.Headers.Upgrade = Protocol;
        Stream transport = await upgrade.UpgradeAsync();
        return new SpdyConnection(transport);
    }
}
