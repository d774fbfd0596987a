namespace Edge.Dataplane.Workloads
{
    /// <summary>Builds HTTP/1.1 responses (RFC 9112) for the built-in servers.</summary>
    public static class HttpText
    {
        public static byte[] Response(int status, string reason, string contentType, string body)
        {
            string head = "HTTP/1.1 " + status.ToString() + " " + reason + "\r\n"
                + "Content-Type: " + contentType + "\r\n"
                + "Content-Length: " + body.Length.ToString() + "\r\n"
                + "Connection: close\r\n"
                + "Server: edge\r\n\r\n";
            return Ascii.Bytes(head + body);
        }

        /// <summary>The request line: the head up to the first CRLF.</summary>
        public static string RequestLine(string head)
        {
            int end = head.IndexOf('\r');
            return end < 0 ? head : head.Substring(0, end);
        }
    }
}
