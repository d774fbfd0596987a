using System.Text.Json.Nodes;
using Edge.Host.Controllers;
using Edge.Host.Objects;
using Edge.Host.Tests.Ingress;

namespace Edge.Host.Tests.Controllers;

/// <summary>
/// What keeps an Ingress's TLS from being served, in words an attendee can act on: a Secret
/// missing or unusable (with the kubectl line that makes one), a TLS host no rule routes, and a
/// cluster of boards that take no TLS sessions.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class IngressTlsCheckTests
{
    private static KubeObject Obj(string json) => new((JsonObject)JsonNode.Parse(json)!);

    private static KubeObject Node(string name, int? tlsSessions, bool ready = true)
    {
        KubeObject node = Obj("""{"kind": "Node", "metadata": {"name": "NAME"}, "status": {"allocatable": {"pods": "8"}, "conditions": [{"type": "Ready", "status": "READY"}]}}"""
            .Replace("NAME", name).Replace("READY", ready ? "True" : "False"));
        if (tlsSessions is int n)
        {
            node.Json["status"]!["allocatable"]![NodeTls.Resource] = n.ToString();
        }

        return node;
    }

    private static readonly KubeObject[] Wrover = [Node("node-1", 4), Node("node-2", 0)];

    private static KubeObject Shop(string tls) => Obj("""
        {"kind": "Ingress", "metadata": {"name": "shop", "namespace": "shop"},
         "spec": {"tls": TLS,
                  "rules": [{"host": "shop.example", "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}},
                            {"host": "*.lab.example", "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}}
        """.Replace("TLS", tls));

    private static List<string> Problems(KubeObject ingress, KubeObject[] secrets, KubeObject[] nodes) =>
        IngressTlsCheck.Problems(ingress, secrets, nodes).Select(p => $"{p.Reason}: {p.Message}").ToList();

    [Fact]
    public void A_Secret_that_is_there_and_usable_for_routed_hosts_is_nothing_to_say()
    {
        KubeObject shop = Shop("""[{"hosts": ["shop.example", "cart.lab.example"], "secretName": "shop-tls"}]""");

        Assert.Empty(Problems(shop, [TlsTestSecrets.Secret("shop", "shop-tls", "shop.example")], Wrover));
    }

    [Fact]
    public void A_missing_Secret_says_how_to_make_one_and_an_unusable_one_says_what_is_wrong()
    {
        KubeObject shop = Shop("""
            [{"hosts": ["shop.example"], "secretName": "shop-tls"}, {"hosts": ["a.lab.example"], "secretName": "lab-tls"},
             {"hosts": ["b.lab.example"], "secretName": "opaque"}, {"hosts": ["c.lab.example"], "secretName": "lab-tls"}]
            """);
        KubeObject[] secrets =
        [
            TlsTestSecrets.Secret("shop", "lab-tls", "*.lab.example", key: ""),
            TlsTestSecrets.Secret("shop", "opaque", "*.lab.example", type: "Opaque"),
            TlsTestSecrets.Secret("default", "shop-tls", "shop.example"), // another namespace's
        ];

        Assert.Equal(
        [
            "SecretNotFound: spec.tls[0]: secret \"shop/shop-tls\" not found: no board has a certificate for shop.example until it exists (kubectl create secret tls shop-tls -n shop --cert=tls.crt --key=tls.key)",
            "InvalidTLSSecret: spec.tls[1]: secret \"shop/lab-tls\" has no tls.key: no board has a certificate for a.lab.example until it is fixed (kubectl create secret tls lab-tls -n shop --cert=tls.crt --key=tls.key makes one as it must be)",
            "InvalidTLSSecret: spec.tls[2]: secret \"shop/opaque\" is of type Opaque, not kubernetes.io/tls: no board has a certificate for b.lab.example until it is fixed (kubectl create secret tls opaque -n shop --cert=tls.crt --key=tls.key makes one as it must be)",
        ], Problems(shop, secrets, Wrover)); // lab-tls said once, though two entries name it
    }

    [Fact]
    public void A_key_where_the_certificate_goes_is_no_certificate()
    {
        KubeObject shop = Shop("""[{"secretName": "shop-tls"}]""");
        KubeObject swapped = TlsTestSecrets.Secret("shop", "shop-tls", "shop.example", chain: TlsTestSecrets.Pem("shop.example").Key, key: TlsTestSecrets.Pem("shop.example").Chain);

        Assert.Equal(
            ["InvalidTLSSecret: spec.tls[0]: secret \"shop/shop-tls\" tls.crt holds no PEM certificate (-----BEGIN CERTIFICATE-----): no board has a certificate for its hosts until it is fixed (kubectl create secret tls shop-tls -n shop --cert=tls.crt --key=tls.key makes one as it must be)"],
            Problems(shop, [swapped], Wrover));
    }

    [Fact]
    public void A_TLS_host_no_rule_routes_is_said()
    {
        KubeObject shop = Shop("""[{"hosts": ["shop.example", "www.shop.example", "a.b.lab.example"], "secretName": "shop-tls"}]""");

        Assert.Equal(
        [
            "TLSHostNotRouted: spec.tls[0]: host www.shop.example has no rule in this Ingress, so its certificate serves no request: add a rule for it, or take it out of spec.tls",
            "TLSHostNotRouted: spec.tls[0]: host a.b.lab.example has no rule in this Ingress, so its certificate serves no request: add a rule for it, or take it out of spec.tls",
        ], Problems(shop, [TlsTestSecrets.Secret("shop", "shop-tls", "shop.example")], Wrover));
    }

    [Fact]
    public void A_cluster_whose_Ready_boards_take_no_TLS_sessions_is_said_to_serve_none()
    {
        KubeObject shop = Shop("""[{"hosts": ["shop.example"], "secretName": "shop-tls"}]""");
        KubeObject[] secrets = [TlsTestSecrets.Secret("shop", "shop-tls", "shop.example")];
        const string NoBoard = "TLSNotTerminated: no board in this cluster terminates TLS: every Ready node has edge.dev/tls-sessions 0 (WROOM boards take none), "
            + "so https is not served and HTTP is served without the redirect; a WROVER board or a virtual board terminates it";

        Assert.Equal([NoBoard], Problems(shop, secrets, [Node("node-1", 0), Node("node-2", 0), Node("node-3", 8, ready: false)]));
        Assert.Empty(Problems(shop, secrets, [])); // no board at all: nothing to say about boards yet
        Assert.Empty(Problems(shop, secrets, [Node("node-1", 0), Node("node-2", null)])); // node-2 has not said yet (registered before the upgrade)
        Assert.Empty(Problems(Shop("[]"), secrets, [Node("node-1", 0)])); // no TLS asked for
    }
}
