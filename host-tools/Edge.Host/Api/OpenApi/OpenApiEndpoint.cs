using Microsoft.AspNetCore.Http;

namespace Edge.Host.Api.OpenApi;

/// <summary>
/// Serves the OpenAPI documents as kube-apiserver does (k8s.io/kube-openapi handler and
/// handler3): the type asked for in Accept (protobuf where it is offered, else JSON; 406 when
/// neither fits), the hash as ETag (a matching If-None-Match is 304), and for a v3 document
/// asked for with the current ?hash= a year's public, immutable caching, while an old hash is
/// redirected (301) to the current URL.
/// </summary>
public static class OpenApiEndpoint
{
    /// <summary>Serves <paramref name="path"/> if it is an OpenAPI document's; false when it is not one.</summary>
    public static async Task<bool> TryServe(HttpContext context, string path)
    {
        if (path == "/openapi/v2")
        {
            string? type = Negotiate(context.Request.Headers.Accept.ToString(), OpenApiV2.ProtobufContentTypeAccepted, OpenApiV2.ProtobufContentType);
            if (type == null)
            {
                context.Response.StatusCode = 406;
                return true;
            }

            await Send(context, type == "application/json" ? OpenApiV2.Json : OpenApiV2.Protobuf, type);
            return true;
        }

        if (path == "/openapi/v3")
        {
            await Send(context, OpenApiV3.Index, "application/json");
            return true;
        }

        if (!path.StartsWith("/openapi/v3/", StringComparison.Ordinal))
        {
            return false;
        }

        string groupVersion = path["/openapi/v3/".Length..].TrimEnd('/');
        if (OpenApiV3.For(groupVersion) is not { } document)
        {
            context.Response.StatusCode = 404;
            return true;
        }

        if (Negotiate(context.Request.Headers.Accept.ToString()) == null)
        {
            // kube-apiserver would offer v3 as protobuf too; Edge offers JSON, which kubectl asks for.
            context.Response.StatusCode = 406;
            return true;
        }

        string? hash = context.Request.Query["hash"];
        if (!string.IsNullOrEmpty(hash))
        {
            if (hash != document.Hash)
            {
                context.Response.Headers.ETag = Quoted(document.Hash);
                context.Response.Redirect(OpenApiV3.UrlOf(groupVersion, document.Hash), permanent: true);
                return true;
            }

            context.Response.Headers.CacheControl = "public, immutable";
            context.Response.Headers.Expires = DateTime.UtcNow.AddYears(1).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        }

        await Send(context, document, "application/json");
        return true;
    }

    /// <summary>
    /// The content type to answer an Accept header with: the first of its types (in order of
    /// preference) that is JSON, */* or application/* (JSON), or the protobuf type when one is
    /// offered; null when none is.
    /// </summary>
    public static string? Negotiate(string accept, string? protobufAccepted = null, string? protobufServed = null)
    {
        IEnumerable<(string Type, double Quality, int Order)> offered = (string.IsNullOrWhiteSpace(accept) ? "*/*" : accept).Split(',')
            .Select((clause, i) =>
            {
                string[] parts = clause.Split(';');
                string? q = parts.Skip(1).Select(p => p.Trim()).FirstOrDefault(p => p.StartsWith("q=", StringComparison.Ordinal));
                double quality = q != null && double.TryParse(q[2..], System.Globalization.CultureInfo.InvariantCulture, out double value) ? value : 1;
                return (parts[0].Trim(), quality, i);
            })
            .Where(c => c.quality > 0)
            .OrderByDescending(c => c.quality).ThenBy(c => c.i);
        foreach ((string type, _, _) in offered)
        {
            if (type is "application/json" or "*/*" or "application/*")
            {
                return "application/json";
            }

            if (protobufServed != null && (type == protobufAccepted || type == protobufServed))
            {
                return protobufServed;
            }
        }

        return null;
    }

    private static async Task Send(HttpContext context, Served document, string contentType)
    {
        string etag = Quoted(document.Hash);
        context.Response.Headers.ETag = etag;
        context.Response.Headers.Vary = "Accept";
        if (context.Request.Headers.IfNoneMatch.Contains(etag))
        {
            context.Response.StatusCode = 304;
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = document.Bytes.Length;
        await context.Response.Body.WriteAsync(document.Bytes);
    }

    private static string Quoted(string hash) => "\"" + hash + "\"";
}
