using Edge.Host.Manifests;

namespace Edge.Host.Tests.Manifests;

/// <summary>A kubernetes.io/tls Secret checked as kube-apiserver checks one: tls.crt and tls.key present, in data or stringData.</summary>
[Trait("Category", Category.Unit)]
public sealed class TlsSecretManifestTests
{
    private static List<string> Errors(string yaml)
    {
        var docs = new List<ManifestDocument>();
        var problems = new List<ManifestProblem>();
        ManifestReader.Parse("secret.yaml", yaml, docs, problems);
        Assert.Empty(problems);
        return docs.SelectMany(ManifestValidator.Validate).Where(p => !p.IsWarning).Select(p => p.ToString()).ToList();
    }

    [Fact]
    public void A_TLS_Secret_without_its_keys_is_refused_in_kube_apiservers_words_at_its_data_or_type()
    {
        Assert.Equal(["secret.yaml:6: secret/web-tls: data[tls.key]: Required value"], Errors("""
            apiVersion: v1
            kind: Secret
            metadata: {name: web-tls}
            type: kubernetes.io/tls
            data:
              tls.crt: LS0tLS1CRUdJTg==
            """));
        Assert.Equal(["secret.yaml:4: secret/web-tls: data[tls.crt]: Required value", "secret.yaml:4: secret/web-tls: data[tls.key]: Required value"], Errors("""
            apiVersion: v1
            kind: Secret
            metadata: {name: web-tls}
            type: kubernetes.io/tls
            """));
    }

    [Fact]
    public void Keys_in_stringData_count_and_other_types_need_none()
    {
        Assert.Empty(Errors("""
            apiVersion: v1
            kind: Secret
            metadata: {name: web-tls}
            type: kubernetes.io/tls
            data: {tls.crt: LS0tLS1CRUdJTg==}
            stringData: {tls.key: "-----BEGIN PRIVATE KEY-----"}
            """));
        Assert.Empty(Errors("apiVersion: v1\nkind: Secret\nmetadata: {name: db}\ntype: Opaque\ndata: {password: aHVudGVyMg==}\n"));
    }
}
