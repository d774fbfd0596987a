namespace Edge.Dataplane.Ingress
{
    /// <summary>
    /// The answers the ingress gives itself, when it routes nowhere: each a complete HTTP/1.1
    /// response that closes the connection, with a line of text saying why (an attendee reading
    /// curl's output should learn what to fix). Written into the connection's own buffer when
    /// needed, so a board keeps none of them.
    /// </summary>
    public static class IngressReplies
    {
        /// <summary>Writes the answer for <paramref name="status"/> at the start of <paramref name="buffer"/>; its length.</summary>
        public static int Write(int status, byte[] buffer)
        {
            switch (status)
            {
                case 400: return Write(buffer, "400 Bad Request", "the request is not HTTP/1.x as RFC 9112 has it (request line, Host, field lines)");
                case 403: return Write(buffer, "403 Forbidden", "this client's address is not in the Ingress's whitelist-source-range");
                case 404: return Write(buffer, "404 Not Found", "no Ingress rule matches this host and path, and no Ingress has a defaultBackend");
                case 408: return Write(buffer, "408 Request Timeout", "the request head did not arrive in time");
                case 431: return Write(buffer, "431 Request Header Fields Too Large", "the request head is larger than this board takes");
                case 502: return Write(buffer, "502 Bad Gateway", "the backend pod refused or reset the connection");
                case 504: return Write(buffer, "504 Gateway Timeout", "the backend pod did not answer the connection");
                case 505: return Write(buffer, "505 HTTP Version Not Supported", "the ingress speaks HTTP/1.0 and HTTP/1.1");
                default: return Write(buffer, "503 Service Unavailable", "the backend service has no ready endpoint (or does not exist)");
            }
        }

        /// <summary>
        /// ingress-nginx's ssl-redirect: 308 to the same host and target over https (the TLS port
        /// named when it is not 443), written at <paramref name="at"/> in <paramref name="buffer"/>
        /// (after the request head it is made from); where it ends, or -1 when it does not fit.
        /// </summary>
        public static int WriteRedirect(byte[] buffer, int at, byte[] head, RequestHead request, ushort tlsPort)
        {
            int target = request.TargetLength > 0 && head[request.TargetStart] == '/' ? request.TargetLength : 0;
            if (at + 160 + request.HostNameLength + target > buffer.Length)
            {
                return -1;
            }

            at = Text(buffer, at, "HTTP/1.1 308 Permanent Redirect\r\nLocation: https://");
            System.Array.Copy(head, request.HostStart, buffer, at, request.HostNameLength);
            at += request.HostNameLength;
            if (tlsPort != 443)
            {
                buffer[at++] = (byte)':';
                at = Decimal(buffer, at, tlsPort);
            }

            if (target == 0)
            {
                buffer[at++] = (byte)'/';
            }

            System.Array.Copy(head, request.TargetStart, buffer, at, target);
            at += target;
            return Text(buffer, at, "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }

        private static int Write(byte[] buffer, string status, string why)
        {
            int bodyLength = status.Length + 2 + why.Length + 1;
            int at = Text(buffer, 0, "HTTP/1.1 ");
            at = Text(buffer, at, status);
            at = Text(buffer, at, "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ");
            at = Decimal(buffer, at, bodyLength);
            at = Text(buffer, at, "\r\nConnection: close\r\n\r\n");
            at = Text(buffer, at, status);
            at = Text(buffer, at, ": ");
            at = Text(buffer, at, why);
            buffer[at++] = (byte)'\n';
            return at;
        }

        private static int Text(byte[] buffer, int at, string text)
        {
            for (int i = 0; i < text.Length; i++)
            {
                buffer[at++] = (byte)text[i];
            }

            return at;
        }

        private static int Decimal(byte[] buffer, int at, int value)
        {
            int digits = value >= 10000 ? 5 : value >= 1000 ? 4 : value >= 100 ? 3 : value >= 10 ? 2 : 1;
            for (int i = digits - 1; i >= 0; i--)
            {
                buffer[at + i] = (byte)('0' + value % 10);
                value /= 10;
            }

            return at + digits;
        }
    }
}
