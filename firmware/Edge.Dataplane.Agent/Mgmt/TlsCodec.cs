using Edge.Dataplane.Ingress;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Trust;

namespace Edge.Dataplane.Mgmt
{
    /// <summary>
    /// The TLS section of a state, after the ingress routes: the number of certificates (0 for
    /// none) and of names, whether the keys are encrypted, each certificate as its PEM chain and
    /// PEM key (a length, then the bytes; an encrypted key's nonce between the two), then the
    /// names, each a string index and its certificate's index. A name pointing past the
    /// certificates makes the section, and so the state, damaged. Only a board that takes TLS
    /// sessions is sent one; the rest get 0.
    /// On a line with a session (the network) the private keys go encrypted under the session key
    /// (<see cref="SessionAuth.WriteSecret"/>), each with its own nonce; on the USB console, which
    /// has no session, as they are: physical access is that line's trust. Chains are public.
    /// Only the bytes sent are encrypted: a state encoded without a session (to compare, to
    /// count) holds the keys as they are.
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

        /// <summary>The section; the keys encrypted under <paramref name="keys"/>' session (nonces from <paramref name="random"/>), or as they are when it is null.</summary>
        public static void Encode(TlsCertificates tls, StringTable t, PayloadWriter w, SessionAuth keys, IRandomSource random)
        {
            int count = tls == null ? 0 : tls.Count;
            w.Int(count);
            if (count == 0)
            {
                return;
            }

            w.Int(tls.Hosts.Length);
            w.Bool(keys != null);
            for (int i = 0; i < count; i++)
            {
                Bytes(tls.Chains[i], w);
                byte[] key = tls.Keys[i];
                w.Int(key.Length);
                if (keys != null)
                {
                    keys.WriteSecret(w, key, random);
                }
                else
                {
                    w.Raw(key, 0, key.Length);
                }
            }

            for (int i = 0; i < tls.Hosts.Length; i++)
            {
                w.Int(t.Index(tls.Hosts[i]));
                w.Int(tls.HostCertificates[i]);
            }
        }

        /// <summary>
        /// The certificates; null for none, or (with <paramref name="r"/> failed) when damaged.
        /// Encrypted keys are decrypted in place with <paramref name="keys"/>, the line's session
        /// (null on a line without one: encrypted keys there are a damaged state).
        /// Certificates equal to <paramref name="held"/> return that set: a resync makes no second copy.
        /// </summary>
        internal static TlsCertificates Decode(PayloadReader r, StringRefs strings, TlsCertificates held, SessionAuth keys)
        {
            int count = r.Count(2); // two lengths each
            if (count == 0 || r.Failed)
            {
                return null;
            }

            int hosts = r.Count(2);
            bool encrypted = r.Bool();
            if (encrypted && (keys == null || !keys.Established))
            {
                r.Failed = true;
                return null;
            }

            var tls = new TlsCertificates(count, hosts);
            for (int i = 0; i < count && !r.Failed; i++)
            {
                tls.Chains[i] = Bytes(r);
                if (encrypted)
                {
                    byte[] key = new byte[r.Count(1)];
                    keys.ReadSecret(r, key);
                    tls.Keys[i] = key;
                }
                else
                {
                    tls.Keys[i] = Bytes(r);
                }
            }

            for (int i = 0; i < hosts && !r.Failed; i++)
            {
                string host = StateCodec.Ref(strings, r);
                int certificate = r.Int();
                if ((uint)certificate >= (uint)count)
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
