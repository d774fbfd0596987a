using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Edge.Host.Objects;

namespace Edge.Host.Tests.Ingress;

/// <summary>
/// Real-looking <c>kubernetes.io/tls</c> Secrets for tests: a self-signed P-256 certificate for
/// a host (its name in the subject and the SAN) and its PKCS#8 key, PEM, as `kubectl create
/// secret tls` stores them (data, base64). One pair per host for the whole run, so the same
/// Secret compiles to the same bytes.
/// </summary>
public static class TlsTestSecrets
{
    private static readonly ConcurrentDictionary<string, (string Chain, string Key)> Pairs = new();

    /// <summary>tls.crt and tls.key for a host, PEM.</summary>
    public static (string Chain, string Key) Pem(string host) => Pairs.GetOrAdd(host, h =>
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={h}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(h);
        request.CertificateExtensions.Add(names.Build());
        using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(90));
        return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    });

    /// <summary>A Secret as the API server stores one: type, data in base64.</summary>
    public static KubeObject Secret(string ns, string name, string host, string type = TlsSecret.Type, string? chain = null, string? key = null)
    {
        (string pemChain, string pemKey) = Pem(host);
        var data = new JsonObject();
        if ((chain ?? pemChain).Length > 0)
        {
            data[TlsSecret.CertificateKey] = Base64(chain ?? pemChain);
        }

        if ((key ?? pemKey).Length > 0)
        {
            data[TlsSecret.PrivateKeyKey] = Base64(key ?? pemKey);
        }

        return new KubeObject(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            ["type"] = type,
            ["data"] = data,
        });
    }

    public static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
