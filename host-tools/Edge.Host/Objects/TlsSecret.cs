using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Edge.Host.Objects;

/// <summary>A certificate chain (leaf first) and its private key, PEM, as a <c>kubernetes.io/tls</c> Secret holds them and a board takes them.</summary>
public sealed record TlsKeyPair(byte[] Chain, byte[] Key);

/// <summary>
/// Reads a <c>kubernetes.io/tls</c> Secret as a board needs it: <c>tls.crt</c> with a PEM
/// certificate and <c>tls.key</c> with an unencrypted PEM private key (PKCS#8, or the older RSA
/// and EC forms openssl writes), from data (base64, as the API server stores them) or, for an
/// object stored before stringData was merged on write, stringData. What is wrong comes back in
/// words, for the Ingress's events; the board never gets a pair that is not both.
/// </summary>
public static class TlsSecret
{
    public const string Type = "kubernetes.io/tls";
    public const string CertificateKey = "tls.crt";
    public const string PrivateKeyKey = "tls.key";

    private static readonly string[] PrivateKeyLabels = ["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"];

    /// <summary>The pair, or null and what is wrong ("has no tls.key", "is of type Opaque, not kubernetes.io/tls").</summary>
    public static (TlsKeyPair? Pair, string? Problem) Read(KubeObject secret)
    {
        string type = (string?)secret.Json["type"] ?? "Opaque";
        if (type != Type)
        {
            return (null, $"is of type {type}, not {Type}");
        }

        (byte[]? chain, string? chainProblem) = Value(secret, CertificateKey);
        (byte[]? key, string? keyProblem) = Value(secret, PrivateKeyKey);
        if (chainProblem != null || keyProblem != null)
        {
            return (null, string.Join("; ", new[] { chainProblem, keyProblem }.OfType<string>()));
        }

        if (!Labels(chain!).Contains("CERTIFICATE"))
        {
            return (null, $"{CertificateKey} holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }

        List<string> keyLabels = Labels(key!);
        if (keyLabels.Contains("ENCRYPTED PRIVATE KEY"))
        {
            return (null, $"{PrivateKeyKey} is encrypted, and a board has no passphrase for it (openssl pkey -in {PrivateKeyKey} -out plain.key)");
        }

        if (!keyLabels.Any(PrivateKeyLabels.Contains))
        {
            return (null, $"{PrivateKeyKey} holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
        }

        return (new TlsKeyPair(chain!, key!), null);
    }

    private static (byte[]? Bytes, string? Problem) Value(KubeObject secret, string name)
    {
        if (secret.Json["data"]?[name] is JsonValue data && data.TryGetValue(out string? base64))
        {
            try
            {
                return (Convert.FromBase64String(base64), null);
            }
            catch (FormatException)
            {
                return (null, $"{name} is not base64");
            }
        }

        if (secret.Json["stringData"]?[name] is JsonValue text && text.TryGetValue(out string? plain))
        {
            return (Encoding.UTF8.GetBytes(plain), null);
        }

        return (null, $"has no {name}");
    }

    // The labels of the PEM blocks in the text, in order ("CERTIFICATE", "PRIVATE KEY", ...).
    private static List<string> Labels(byte[] pem)
    {
        var labels = new List<string>();
        ReadOnlySpan<char> text = Encoding.ASCII.GetString(pem);
        while (PemEncoding.TryFind(text, out PemFields fields))
        {
            labels.Add(text[fields.Label].ToString());
            text = text[fields.Location.End..];
        }

        return labels;
    }
}
