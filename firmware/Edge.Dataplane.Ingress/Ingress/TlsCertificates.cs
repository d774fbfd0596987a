namespace Edge.Dataplane.Ingress
{
    /// <summary>
    /// The certificates a board terminates TLS with, as the host sent them: only to boards whose
    /// memory class takes TLS sessions, and only the <c>kubernetes.io/tls</c> Secrets an Ingress
    /// names in <c>spec.tls</c>. Each is the Secret's <c>tls.crt</c> (the PEM chain, leaf first) and
    /// <c>tls.key</c> (PEM), and serves the names its <c>tls.hosts</c> list: exact, or a
    /// <c>*.</c> wildcard standing for exactly one label, as the Ingress's rule hosts. The
    /// platform's TLS layer asks <see cref="Choose"/> with the name in the client's ClientHello
    /// (<see cref="TlsServerName"/>) before its handshake.
    /// </summary>
    public sealed class TlsCertificates
    {
        /// <summary>Per certificate: the PEM chain and the PEM private key, as the Secret holds them.</summary>
        public readonly byte[][] Chains;
        public readonly byte[][] Keys;

        /// <summary>Per name: the name ("" for a tls entry without hosts: every name) and its certificate.</summary>
        public readonly string[] Hosts;
        public readonly int[] HostCertificates;

        public TlsCertificates(int certificates, int hosts)
        {
            Chains = new byte[certificates][];
            Keys = new byte[certificates][];
            Hosts = new string[hosts];
            HostCertificates = new int[hosts];
        }

        public int Count
        {
            get { return Chains.Length; }
        }

        /// <summary>
        /// The certificate for the name a client asked for (null or empty: it named none): the one
        /// listing it exactly, else the one whose wildcard covers it, else a tls entry without hosts,
        /// else the first (a client asking for a name no Secret has gets a certificate it will not
        /// take, as ingress-nginx answers with its default one); -1 when there are none.
        /// </summary>
        public int Choose(string serverName)
        {
            if (Chains.Length == 0)
            {
                return -1;
            }

            int wildcard = -1;
            int any = -1;
            for (int i = 0; i < Hosts.Length; i++)
            {
                string host = Hosts[i];
                if (host.Length == 0)
                {
                    any = any < 0 ? HostCertificates[i] : any;
                }
                else if (serverName == null || serverName.Length == 0)
                {
                    continue;
                }
                else if (host.Length == serverName.Length && SameName(host, 0, serverName, 0, host.Length))
                {
                    return HostCertificates[i];
                }
                else if (wildcard < 0 && CoveredBy(host, serverName))
                {
                    wildcard = HostCertificates[i];
                }
            }

            return wildcard >= 0 ? wildcard : any >= 0 ? any : 0;
        }

        /// <summary>Whether the certificates and names are the same as <paramref name="other"/>'s, byte for byte.</summary>
        public bool SameAs(TlsCertificates other)
        {
            if (other == null || other.Chains.Length != Chains.Length || other.Hosts.Length != Hosts.Length)
            {
                return false;
            }

            for (int i = 0; i < Chains.Length; i++)
            {
                if (!RouteMatcher.SameBytes(Chains[i], other.Chains[i]) || !RouteMatcher.SameBytes(Keys[i], other.Keys[i]))
                {
                    return false;
                }
            }

            for (int i = 0; i < Hosts.Length; i++)
            {
                if (Hosts[i] != other.Hosts[i] || HostCertificates[i] != other.HostCertificates[i])
                {
                    return false;
                }
            }

            return true;
        }

        // "*.example.com" covers "foo.example.com", not "example.com" or "a.b.example.com".
        private static bool CoveredBy(string pattern, string name)
        {
            if (!IngressRoutes.IsWildcard(pattern))
            {
                return false;
            }

            int dot = name.IndexOf('.');
            int suffix = pattern.Length - 1; // ".example.com"
            return dot > 0 && name.Length - dot == suffix && SameName(pattern, 1, name, dot, suffix);
        }

        // DNS names compare without regard to ASCII case (RFC 4343).
        private static bool SameName(string a, int aStart, string b, int bStart, int length)
        {
            if (aStart + length > a.Length || bStart + length > b.Length)
            {
                return false;
            }

            for (int i = 0; i < length; i++)
            {
                if (Lower(a[aStart + i]) != Lower(b[bStart + i]))
                {
                    return false;
                }
            }

            return true;
        }

        private static char Lower(char c)
        {
            return c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : c;
        }

    }
}
