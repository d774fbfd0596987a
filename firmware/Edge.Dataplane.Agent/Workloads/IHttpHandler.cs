namespace Edge.Dataplane.Workloads
{
    /// <summary>What a built-in HTTP server does with a request head.</summary>
    public interface IHttpHandler
    {
        /// <summary>The whole response (status line, headers, body) for the request head (without the final blank line).</summary>
        byte[] Respond(HttpConnection connection, string head);
    }
}
