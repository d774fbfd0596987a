using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Edge.Host.Api.OpenApi;

/// <summary>A document as served: its bytes and their hash (the ETag, and the v3 URLs' hash=), made once.</summary>
public sealed record Served(byte[] Bytes, string Hash)
{
    public static Served Json(JsonNode document) => Of(Encoding.UTF8.GetBytes(document.ToJsonString()));

    /// <summary>Kubernetes' hash of a document: SHA-512, in upper-case hex.</summary>
    public static Served Of(byte[] bytes) => new(bytes, Convert.ToHexString(SHA512.HashData(bytes)));
}
