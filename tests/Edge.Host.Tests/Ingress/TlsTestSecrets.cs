using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Edge.Host.Objects;

namespace Edge.Host.Tests.Ingress;

/// <summary>
/// Real-looking <c>kubernetes.io/tls</c> Secrets for tests: a P-256 leaf for a host (its name in
/// the subject and the SAN) from the tests' <see cref="TestPki"/>, its chain and PKCS#8 key PEM, as
/// `kubectl create secret tls` stores them (data, base64). One pair per host for the whole run,
/// so the same Secret compiles to the same bytes.
/// </summary>
public static class TlsTestSecrets
{
    private static readonly ConcurrentDictionary<string, (string Chain, string Key)> Pairs = new();
    private static readonly TestPki Pki = new();

    /// <summary>tls.crt and tls.key for a host, PEM.</summary>
    public static (string Chain, string Key) Pem(string host) => Pairs.GetOrAdd(host, h =>
    {
        lock (Pki)
        {
            (byte[] chain, byte[] key) = Pki.Leaf(h, h);
            return (Encoding.ASCII.GetString(chain), Encoding.ASCII.GetString(key));
        }
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
