using System;
using System.Security.Cryptography.X509Certificates;
using Edge.Dataplane.Ingress;

namespace Edge.Firmware.Platform
{
    /// <summary>
    /// The certificates a TLS port serves, as nanoFramework's SslStream takes them: per certificate
    /// of <see cref="Source"/>, an X509Certificate2 of its whole PEM chain (mbedTLS sends every
    /// certificate in it, leaf first) with its PEM key. Each is made on first use and kept while
    /// these certificates are served; one whose PEM does not load is null, and every handshake that
    /// picks it fails.
    /// </summary>
    public sealed class NanoServerCertificates
    {
        public readonly TlsCertificates Source;

        private readonly X509Certificate2[] _made;
        private readonly bool[] _failed;

        public NanoServerCertificates(TlsCertificates source)
        {
            Source = source;
            _made = new X509Certificate2[source.Count];
            _failed = new bool[source.Count];
        }

        /// <summary>Certificate <paramref name="index"/> ready for AuthenticateAsServer, or null when its PEM does not load.</summary>
        public X509Certificate2 Get(int index)
        {
            if (index < 0 || index >= _made.Length)
            {
                return null;
            }

            if (_made[index] == null && !_failed[index])
            {
                try
                {
                    _made[index] = new X509Certificate2(Terminated(Source.Chains[index]), Terminated(Source.Keys[index]), null);
                }
                catch (Exception)
                {
                    _failed[index] = true; // the native parse throws; once is enough
                }
            }

            return _made[index];
        }

        // mbedTLS takes a buffer as PEM only when its last byte is a NUL, counted in its length.
        private static byte[] Terminated(byte[] pem)
        {
            if (pem.Length > 0 && pem[pem.Length - 1] == 0)
            {
                return pem;
            }

            byte[] terminated = new byte[pem.Length + 1];
            Array.Copy(pem, terminated, pem.Length);
            return terminated;
        }
    }
}
