using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Edge.Tests;

/// <summary>
/// A root, an intermediate under it, and leaves under the intermediate, made for a test (ECDSA
/// P-256, valid from yesterday to tomorrow): the shape of a real Ingress certificate, whose
/// <c>tls.crt</c> is the leaf followed by the intermediate, and whose root the client trusts.
/// </summary>
internal sealed class TestPki : IDisposable
{
    private readonly ECDsa _rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly DateTimeOffset _from = DateTimeOffset.UtcNow.AddDays(-1);
    private readonly DateTimeOffset _to = DateTimeOffset.UtcNow.AddDays(1);

    public TestPki()
    {
        var root = new CertificateRequest("CN=Edge Test Root", _rootKey, HashAlgorithmName.SHA256);
        root.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        root.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        root.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(root.PublicKey, false));
        Root = root.CreateSelfSigned(_from, _to);

        var intermediate = new CertificateRequest("CN=Edge Test Intermediate", _intermediateKey, HashAlgorithmName.SHA256);
        intermediate.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        intermediate.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        intermediate.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(intermediate.PublicKey, false));
        intermediate.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Root, true, false));
        Intermediate = intermediate.Create(Root, _from, _to, Serial());
    }

    public X509Certificate2 Root { get; }
    public X509Certificate2 Intermediate { get; }

    public string RootPem => Root.ExportCertificatePem();

    /// <summary>A leaf for the names, signed by the intermediate: its PEM chain (leaf, intermediate) and PEM key.</summary>
    public (byte[] Chain, byte[] Key) Leaf(string commonName, params string[] dnsNames)
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + commonName, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false)); // serverAuth
        var names = new SubjectAlternativeNameBuilder();
        foreach (string name in dnsNames)
        {
            names.AddDnsName(name);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Intermediate, true, false));
        using X509Certificate2 leaf = request.Create(Intermediate.SubjectName, X509SignatureGenerator.CreateForECDsa(_intermediateKey), _from, _to, Serial());
        string chain = leaf.ExportCertificatePem() + "\n" + Intermediate.ExportCertificatePem() + "\n";
        return (Encoding.ASCII.GetBytes(chain), Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()));
    }

    /// <summary>A <c>kubernetes.io/tls</c> Secret holding the pair, as YAML followed by a document separator.</summary>
    public static string SecretYaml(string name, (byte[] Chain, byte[] Key) pair) => $"""
        apiVersion: v1
        kind: Secret
        metadata:
          name: {name}
        type: kubernetes.io/tls
        data:
          tls.crt: {Convert.ToBase64String(pair.Chain)}
          tls.key: {Convert.ToBase64String(pair.Key)}
        ---

        """;

    public void Dispose()
    {
        Root.Dispose();
        Intermediate.Dispose();
        _rootKey.Dispose();
        _intermediateKey.Dispose();
    }

    private static byte[] Serial()
    {
        byte[] serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F; // a positive number, as RFC 5280 asks
        return serial;
    }
}
