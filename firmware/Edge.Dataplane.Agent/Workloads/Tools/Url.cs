using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Workloads.Tools
{
    /// <summary>An http:// URL split into host, port and path.</summary>
    public sealed class Url
    {
        public string Host = "";
        public ushort Port = 80;
        public string Path = "/";

        /// <summary>Parses "http://host[:port][/path]" (the scheme may be left out); null when it is not one.</summary>
        public static Url Parse(string text)
        {
            if (text == null || text.Length == 0)
            {
                return null;
            }

            string rest = text;
            if (rest.StartsWith("http://"))
            {
                rest = rest.Substring(7);
            }
            else if (rest.IndexOf("://") >= 0)
            {
                return null; // https and others: not on a board
            }

            var url = new Url();
            int slash = rest.IndexOf('/');
            string authority = slash >= 0 ? rest.Substring(0, slash) : rest;
            url.Path = slash >= 0 ? rest.Substring(slash) : "/";
            int colon = authority.IndexOf(':');
            if (colon >= 0)
            {
                int port;
                if (!int.TryParse(authority.Substring(colon + 1), out port) || port < 1 || port > 65535)
                {
                    return null;
                }

                url.Port = (ushort)port;
                authority = authority.Substring(0, colon);
            }

            if (authority.Length == 0)
            {
                return null;
            }

            url.Host = authority;
            return url;
        }

        /// <summary>The host as an address, when it is one (names need the DNS work).</summary>
        public bool TryAddress(out uint address)
        {
            return Ipv4Address.TryParse(Host, out address);
        }
    }
}
