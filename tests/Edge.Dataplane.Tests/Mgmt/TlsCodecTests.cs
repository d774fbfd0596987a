using System.Text;
using Edge.Dataplane.Ingress;
using Edge.Dataplane.Mgmt;

namespace Edge.Dataplane.Tests.Mgmt;

/// <summary>
/// The TLS section of a state: the certificates and the names they serve decode to what was
/// encoded, byte for byte; an unchanged set is kept (no second copy of the keys on the board);
/// a delta carries it only when it changed; a name pointing past the certificates damages the
/// state; the routes' ssl-redirect bits travel with their annotations.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class TlsCodecTests
{
    private static TlsCertificates Certificates(string key = "-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n")
    {
        var tls = new TlsCertificates(2, 3);
        tls.Chains[0] = Encoding.ASCII.GetBytes("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n");
        tls.Keys[0] = Encoding.ASCII.GetBytes(key);
        tls.Chains[1] = Encoding.ASCII.GetBytes("-----BEGIN CERTIFICATE-----\nMIID\n-----END CERTIFICATE-----\n");
        tls.Keys[1] = Encoding.ASCII.GetBytes("-----BEGIN EC PRIVATE KEY-----\nMHc\n-----END EC PRIVATE KEY-----\n");
        (tls.Hosts[0], tls.HostCertificates[0]) = ("secure.example", 0);
        (tls.Hosts[1], tls.HostCertificates[1]) = ("*.lab.example", 1);
        (tls.Hosts[2], tls.HostCertificates[2]) = ("", 1);
        return tls;
    }

    [Fact]
    public void Certificates_decode_byte_for_byte_and_an_unchanged_set_is_kept()
    {
        var s = new DesiredState { PodNetwork = 0x0AF40100, Tls = Certificates() };
        DesiredState held = StatePayloads.Decode(StatePayloads.Encode(s))!;
        TlsCertificates tls = held.Tls!;
        Assert.True(Certificates().SameAs(tls));
        Assert.Equal(["secure.example", "*.lab.example", ""], tls.Hosts);
        Assert.Equal([0, 1, 1], tls.HostCertificates);
        Assert.Equal(Certificates().Keys[1], tls.Keys[1]);

        Assert.Same(tls, StatePayloads.Decode(StatePayloads.Encode(s), held)!.Tls);
        Assert.NotSame(tls, StatePayloads.Decode(StatePayloads.Encode(new DesiredState { PodNetwork = 0x0AF40100, Tls = Certificates("-----BEGIN PRIVATE KEY-----\nrotated\n-----END PRIVATE KEY-----\n") }), held)!.Tls);
        Assert.Null(StatePayloads.Decode(StatePayloads.Encode(new DesiredState { PodNetwork = 0x0AF40100 }))!.Tls);
        Assert.Null(StatePayloads.Decode(StatePayloads.Encode(new DesiredState { PodNetwork = 0x0AF40100, Tls = new TlsCertificates(0, 0) }))!.Tls);
    }

    [Fact]
    public void A_name_pointing_past_the_certificates_or_a_cut_key_damages_the_state()
    {
        TlsCertificates tls = Certificates();
        tls.HostCertificates[2] = 2;
        Assert.Null(StatePayloads.Decode(StatePayloads.Encode(new DesiredState { PodNetwork = 0x0AF40100, Tls = tls })));

        byte[] whole = StatePayloads.Encode(new DesiredState { PodNetwork = 0x0AF40100, Tls = Certificates() });
        for (int cut = whole.Length - 1; cut > whole.Length - 120; cut--)
        {
            Assert.Null(StatePayloads.Decode(whole[..cut]));
        }
    }

    [Fact]
    public void A_delta_carries_the_certificates_only_when_they_changed()
    {
        DesiredState held = StatePayloads.Decode(StatePayloads.Encode(new DesiredState { PodNetwork = 0x0AF40100, Generation = 1, Tls = Certificates() }))!;
        DesiredState kept = Merge(held, 0, null);
        Assert.Same(held.Tls, kept.Tls);

        DesiredState removed = Merge(held, StateDelta.TlsReplaced, null);
        Assert.Null(removed.Tls);

        TlsCertificates rotated = Certificates("-----BEGIN PRIVATE KEY-----\nrotated\n-----END PRIVATE KEY-----\n");
        Assert.True(rotated.SameAs(Merge(held, StateDelta.TlsReplaced, rotated).Tls));
    }

    [Fact]
    public void A_routes_ssl_redirect_travels_with_its_annotations()
    {
        var routes = new IngressRoutes(2);
        routes.Add("secure.example", "/", PathType.Prefix, "default", "web", 80);
        routes.Add("", "/plain", PathType.Prefix, "default", "web", 80);
        routes.Annotations = new RouteAnnotations(2, 0);
        routes.Annotations.SslRedirects[0] = true;
        var s = new DesiredState { PodNetwork = 0x0AF40100, Ingress = routes };

        DesiredState held = StatePayloads.Decode(StatePayloads.Encode(s))!;
        Assert.Equal([true, false], held.Ingress!.Annotations!.SslRedirects);
        Assert.Same(held.Ingress, StatePayloads.Decode(StatePayloads.Encode(s), held)!.Ingress);
        routes.Annotations.SslRedirects[1] = true;
        Assert.NotSame(held.Ingress, StatePayloads.Decode(StatePayloads.Encode(s), held)!.Ingress); // a changed redirect is a changed set
    }

    private static DesiredState Merge(DesiredState held, int flags, TlsCertificates? tls)
    {
        var w = new PayloadWriter();
        byte[] buffer = new byte[Frame.MaxPayload];
        w.Begin(buffer, 0, buffer.Length);
        StateDelta.Encode(1, flags, [], [], new DesiredState { PodNetwork = 0x0AF40100, Generation = 2, Tls = tls }, w);
        var r = new PayloadReader();
        r.Begin(buffer, 0, w.Length);
        DesiredState next = StateDelta.Merge(held, r, out string error)!;
        Assert.Null(error);
        return next;
    }
}
