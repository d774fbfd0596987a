using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Edge.Host.Api;

/// <summary>
/// The server's WebSocket opening handshake (RFC 6455 4.2.2) made here rather than by ASP.NET
/// Core, for subprotocols it refuses: kubectl's SPDY tunnel is named
/// <c>SPDY/3.1+portforward.k8s.io</c>, and a '/' is no token character, so ASP.NET Core throws
/// where kube-apiserver (Go's WebSocket library) accepts. The socket is then made over the
/// upgraded connection.
/// </summary>
public static class WebSocketHandshake
{
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>Sec-WebSocket-Accept: the key and RFC 6455's GUID, SHA-1, base64.</summary>
    public static string AcceptFor(string key) =>
        Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key.Trim() + AcceptGuid)));

    public static async Task<WebSocket> AcceptAsync(HttpContext context, string subprotocol)
    {
        string? key = context.Request.Headers.SecWebSocketKey;
        IHttpUpgradeFeature? upgrade = context.Features.Get<IHttpUpgradeFeature>();
        if (string.IsNullOrEmpty(key) || upgrade is not { IsUpgradableRequest: true })
        {
            throw new ApiException(400, "BadRequest", "a WebSocket upgrade needs HTTP/1.1 with Connection: Upgrade and a Sec-WebSocket-Key");
        }

        context.Response.Headers.Upgrade = "websocket";
        context.Response.Headers.SecWebSocketAccept = AcceptFor(key);
        context.Response.Headers.SecWebSocketProtocol = subprotocol;
        Stream transport = await upgrade.UpgradeAsync();
        return WebSocket.CreateFromStream(transport, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.FromSeconds(30) });
    }
}
