using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Edge.Dataplane.Ingress;

namespace Edge.VirtualBoard.Platform;

/// <summary>
/// The certificates a TLS port serves, in the form SslStream takes: per certificate of
/// <see cref="Source"/>, its leaf with the private key and the intermediates sent after it (the
/// rest of the PEM chain), so a client that knows only the root can verify. Each is built from
/// the PEM on first use and kept for as long as these certificates are served; one whose PEM does
/// not load fails every handshake that picks it.
/// </summary>
internal sealed class ServerCertificates(TlsCertificates source)
{
    private readonly SslStreamCertificateContext?[] _built = new SslStreamCertificateContext?[source.Count];
    private readonly Exception?[] _failed = new Exception?[source.Count];

    public TlsCertificates Source => source;

    /// <summary>Certificate <paramref name="index"/> ready to serve; throws when its PEM does not load.</summary>
    public SslStreamCertificateContext Get(int index)
    {
        lock (_built)
        {
            if (_built[index] == null && _failed[index] == null)
            {
                try
                {
                    _built[index] = Build(source.Chains[index], source.Keys[index]);
                }
                catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or ArgumentException)
                {
                    _failed[index] = e;
                }
            }

            return _built[index] ?? throw new InvalidOperationException($"certificate {index} does not load: {_failed[index]!.Message}", _failed[index]);
        }
    }

    private static SslStreamCertificateContext Build(byte[] chainPem, byte[] keyPem)
    {
        string chain = Encoding.ASCII.GetString(chainPem);
        X509Certificate2 leaf = X509Certificate2.CreateFromPem(chain, Encoding.ASCII.GetString(keyPem)); // the chain's first certificate
        var all = new X509Certificate2Collection();
        all.ImportFromPem(chain);
        var intermediates = new X509Certificate2Collection();
        for (int i = 1; i < all.Count; i++)
        {
            intermediates.Add(all[i]);
        }

        // offline: the chain is built from these certificates alone, nothing fetched.
        return SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
    }
}
