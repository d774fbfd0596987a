using System.Text;
using System.Text.Json.Nodes;
using Edge.Dataplane.Ingress;
using Edge.Host.Cluster;
using Edge.Host.Compile;
using Edge.Host.Objects;
using Edge.Host.Tests.Ingress;

namespace Edge.Host.Tests.Compile;

/// <summary>
/// The certificates a board terminates TLS with: only a board that takes TLS sessions gets any;
/// each Secret once, with every host it is named for (lower-cased), oldest Ingress first; an
/// entry whose Secret is missing or unusable is left out.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class IngressTlsCompilerTests
{
    private static KubeObject Obj(string json) => new((JsonObject)JsonNode.Parse(json)!);

    private static KubeObject Node(string name, int tlsSessions) => Obj("""
        {"kind": "Node", "metadata": {"name": "NAME"},
         "status": {"capacity": {"edge.dev/tls-sessions": "TLS", "pods": "8"}, "allocatable": {"edge.dev/tls-sessions": "TLS", "pods": "8"}}}
        """.Replace("NAME", name).Replace("TLS", tlsSessions.ToString()));

    private static readonly KubeObject Wrover = Node("node-1", 4);
    private static readonly KubeObject Wroom = Node("node-2", 0);
    private static readonly KubeObject OldFirmware = Obj("""{"kind": "Node", "metadata": {"name": "node-3"}, "status": {"allocatable": {"pods": "8"}}}""");

    private static readonly KubeObject[] Classes =
    [
        DefaultIngressClass.New(),
        Obj("""{"kind": "IngressClass", "metadata": {"name": "nginx"}, "spec": {"controller": "k8s.io/ingress-nginx"}}"""),
    ];

    /// <summary>An Ingress with one rule per host and the given spec.tls.</summary>
    private static KubeObject Ingress(string name, string created, string tls, string[] hosts, string ns = "shop", string? className = null, bool canary = false)
    {
        KubeObject ingress = Obj($$$"""
            {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "{{{name}}}", "namespace": "{{{ns}}}", "creationTimestamp": "{{{created}}}"},
             "spec": {"tls": {{{tls}}}, "rules": []}}
            """);
        foreach (string host in hosts)
        {
            ingress.Spec!["rules"]!.AsArray().Add(JsonNode.Parse("""
                {"host": "HOST", "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}
                """.Replace("HOST", host)));
        }

        if (className != null)
        {
            ingress.Spec!["ingressClassName"] = className;
        }

        if (canary)
        {
            ingress.Metadata["annotations"] = new JsonObject { ["nginx.ingress.kubernetes.io/canary"] = "true" };
        }

        return ingress;
    }

    private static TlsCertificates? Compile(KubeObject node, KubeObject[] ingresses, params KubeObject[] secrets) =>
        IngressTlsCompiler.Compile(node, ingresses, Classes, secrets);

    /// <summary>Each name with the CN of the certificate it gets, as "host=CN".</summary>
    private static List<string> Names(TlsCertificates tls) =>
        Enumerable.Range(0, tls.Hosts.Length).Select(i => $"{tls.Hosts[i]}={Subject(tls.Chains[tls.HostCertificates[i]])}").ToList();

    private static string Subject(byte[] chain) =>
        System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(Encoding.ASCII.GetString(chain)).GetNameInfo(
            System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, forIssuer: false);

    private static readonly KubeObject Shop = Ingress("shop", "2026-12-05T08:00:00Z", """[{"hosts": ["Shop.Example", "www.shop.example"], "secretName": "shop-tls"}]""", ["shop.example", "www.shop.example"]);

    [Fact]
    public void Only_a_board_that_takes_TLS_sessions_gets_the_certificates()
    {
        KubeObject secret = TlsTestSecrets.Secret("shop", "shop-tls", "shop.example");

        TlsCertificates tls = Compile(Wrover, [Shop], secret)!;
        Assert.Equal(1, tls.Count);
        Assert.Equal(TlsTestSecrets.Pem("shop.example").Chain, Encoding.ASCII.GetString(tls.Chains[0]));
        Assert.Equal(TlsTestSecrets.Pem("shop.example").Key, Encoding.ASCII.GetString(tls.Keys[0]));
        Assert.Equal(["shop.example=shop.example", "www.shop.example=shop.example"], Names(tls)); // lower-cased

        Assert.Null(Compile(Wroom, [Shop], secret)); // a WROOM board: none, however many Ingresses have TLS
        Assert.Null(Compile(OldFirmware, [Shop], secret)); // a board that never said: none
        Assert.Null(Compile(Wrover, [Ingress("plain", "2026-12-05T08:00:00Z", "[]", ["shop.example"])], secret)); // no TLS anywhere
    }

    [Fact]
    public void A_Secret_named_by_several_entries_is_one_certificate_and_the_older_Ingress_keeps_a_host_named_twice()
    {
        KubeObject older = Ingress("lab", "2026-12-01T08:00:00Z",
            """[{"hosts": ["*.lab.example"], "secretName": "lab-tls"}, {"hosts": ["shop.example"], "secretName": "lab-tls"}]""", ["*.lab.example", "shop.example"]);
        KubeObject wildcardAgain = Ingress("again", "2026-12-06T08:00:00Z", """[{"hosts": ["api.lab.example"], "secretName": "lab-tls"}]""", ["api.lab.example"]);

        TlsCertificates tls = Compile(Wrover, [Shop, wildcardAgain, older],
            TlsTestSecrets.Secret("shop", "shop-tls", "shop.example"), TlsTestSecrets.Secret("shop", "lab-tls", "*.lab.example"))!;

        Assert.Equal(2, tls.Count);
        Assert.Equal(
        [
            "*.lab.example=*.lab.example",
            "shop.example=*.lab.example", // the older Ingress named it first
            "www.shop.example=shop.example",
            "api.lab.example=*.lab.example",
        ], Names(tls));
        Assert.Equal(tls.HostCertificates[0], tls.Choose("cart.lab.example")); // the wildcard covers one label
        Assert.Equal(1, tls.Choose("www.shop.example"));
    }

    [Fact]
    public void An_entry_without_hosts_serves_every_name()
    {
        KubeObject any = Ingress("any", "2026-12-05T08:00:00Z", """[{"secretName": "shop-tls"}]""", ["shop.example"]);

        TlsCertificates tls = Compile(Wrover, [any], TlsTestSecrets.Secret("shop", "shop-tls", "shop.example"))!;

        Assert.Equal([""], tls.Hosts);
        Assert.Equal(0, tls.Choose("anything.example"));
    }

    public static TheoryData<string, KubeObject?> Unusable => new()
    {
        { "no such Secret", null },
        { "in another namespace", TlsTestSecrets.Secret("default", "shop-tls", "shop.example") },
        { "of another type", TlsTestSecrets.Secret("shop", "shop-tls", "shop.example", type: "Opaque") },
        { "without tls.key", TlsTestSecrets.Secret("shop", "shop-tls", "shop.example", key: "") },
        { "a tls.crt that is no PEM", TlsTestSecrets.Secret("shop", "shop-tls", "shop.example", chain: "not a certificate") },
        { "a key where the certificate goes", TlsTestSecrets.Secret("shop", "shop-tls", "shop.example", chain: TlsTestSecrets.Pem("shop.example").Key) },
        { "a certificate where the key goes", TlsTestSecrets.Secret("shop", "shop-tls", "shop.example", key: TlsTestSecrets.Pem("shop.example").Chain) },
    };

    [Theory]
    [MemberData(nameof(Unusable))]
    public void An_entry_whose_Secret_is_missing_or_unusable_is_left_out_and_the_others_stay(string why, KubeObject? secret)
    {
        KubeObject api = Ingress("api", "2026-12-06T08:00:00Z", """[{"hosts": ["api.example"], "secretName": "api-tls"}]""", ["api.example"]);
        KubeObject[] secrets = secret == null ? [TlsTestSecrets.Secret("shop", "api-tls", "api.example")] : [secret, TlsTestSecrets.Secret("shop", "api-tls", "api.example")];

        TlsCertificates tls = Compile(Wrover, [Shop, api], secrets)!;

        Assert.True(Names(tls).SequenceEqual(["api.example=api.example"]), why);
    }

    [Fact]
    public void Another_controllers_Ingresses_canaries_and_entries_without_a_secret_bring_no_certificate()
    {
        KubeObject secret = TlsTestSecrets.Secret("shop", "shop-tls", "shop.example");
        KubeObject theirs = Ingress("theirs", "2026-12-05T08:00:00Z", """[{"hosts": ["shop.example"], "secretName": "shop-tls"}]""", ["shop.example"], className: "nginx");
        KubeObject canary = Ingress("canary", "2026-12-05T08:00:00Z", """[{"hosts": ["shop.example"], "secretName": "shop-tls"}]""", ["shop.example"], canary: true);
        KubeObject sni = Ingress("sni", "2026-12-05T08:00:00Z", """[{"hosts": ["shop.example"]}]""", ["shop.example"]);

        Assert.Null(Compile(Wrover, [theirs, canary, sni], secret));
    }
}
