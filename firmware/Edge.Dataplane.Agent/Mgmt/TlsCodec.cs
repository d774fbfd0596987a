using Edge.Dataplane.Ingress;

namespace Edge.Dataplane.Mgmt
{
    /// <summary>
    /// The TLS section of a state, after the ingress routes: the number of certificates (0 for
    /// none) and of names, each certificate as its PEM chain and PEM key (a length, then the
    /// bytes), then the names, each a string index and its certificate's index. A name pointing past the
    /// certificates makes the section, and so the state, damaged. Only a board that takes TLS
    /// sessions is sent one; the rest get 0.
    /// </summary>
    public static class TlsCodec
    {
        public static void Collect(TlsCertificates tls, StringTable t)
        {
            for (int i = 0; tls != null && i < tls.Hosts.Length; i++)
            {
                t.Index(tls.Hosts[i]);
            }
        }

        public static void Encode(TlsCertificates tls, StringTable t, PayloadWriter w)
        {
            int count = tls == null ? 0 : tls.Count;
            w.Int(count);
            if (count == 0)
            {
                return;
            }

            w.Int(tls.Hosts.Length);
            for (int i = 0; i < count; i++)
            {
                Bytes(tls.Chains[i], w);
                Bytes(tls.Keys[i], w);
            }

            for (int i = 0; i < tls.Hosts.Length; i++)
            {
                w.Int(t.Index(tls.Hosts[i]));
                w.Int(tls.HostCertificates[i]);
            }
        }

        /// <summary>
        /// The certificates; null for none, or (with <paramref name="r"/> failed) when damaged.
        /// Certificates equal to <paramref name="held"/> return that set: a resync makes no second copy.
        /// </summary>
        internal static TlsCertificates Decode(PayloadReader r, StringRefs strings, TlsCertificates held)
        {
            int count = r.Count(2); // two lengths each
            if (count == 0 || r.Failed)
            {
                return null;
            }

            int hosts = r.Count(2);
            var tls = new TlsCertificates(count, hosts);
            for (int i = 0; i < count && !r.Failed; i++)
            {
                tls.Chains[i] = Bytes(r);
                tls.Keys[i] = Bytes(r);
            }

            for (int i = 0; i < hosts && !r.Failed; i++)
            {
                string host = StateCodec.Ref(strings, r);
                int certificate = r.Int();
                if (certificate >= count)
                {
                    r.Failed = true;
                }

                tls.Hosts[i] = host == null ? "" : host;
                tls.HostCertificates[i] = certificate;
            }

            return held != null && !r.Failed && held.SameAs(tls) ? held : tls;
        }

        private static void Bytes(byte[] bytes, PayloadWriter w)
        {
            w.Int(bytes.Length);
            w.Raw(bytes, 0, bytes.Length);
        }

        private static byte[] Bytes(PayloadReader r)
        {
            int length = r.Count(1);
            byte[] bytes = new byte[length];
            r.Raw(bytes, 0, length);
            return bytes;
        }
    }
}
