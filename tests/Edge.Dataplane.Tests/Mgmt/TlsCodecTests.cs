using System.Security.Cryptography;
using System.Text;
using Edge.Dataplane.Ingress;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Trust;

namespace Edge.Dataplane.Tests.Mgmt;

/// <summary>
/// The TLS section of a state: the certificates and the names they serve decode to what was
/// encoded, byte for byte; an unchanged set is kept (no second copy of the keys on the board);
/// a delta carries it only when it changed; a name pointing past the certificates damages the
/// state; the routes' ssl-redirect bits travel with their annotations. On a line with a session
/// the private keys go encrypted under its key (each with its own nonce), on the console as
/// they are, and the flag in the section says which.
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
        tls.HostCertificates[2] = -1; // a varint of 2^31 or more
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

    private const string KeyText = "-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n";

    /// <summary>A host's and a board's ends of one session (the handshake's outcome), and a third end of another session under the same cluster key.</summary>
    private static (SessionAuth Host, SessionAuth Board, SessionAuth Other) Session()
    {
        byte[] key = Enumerable.Range(0, SessionAuth.KeyLength).Select(i => (byte)(i * 7)).ToArray();
        byte[] nb = Enumerable.Range(0x10, SessionAuth.NonceLength).Select(i => (byte)i).ToArray();
        byte[] nh = Enumerable.Range(0x20, SessionAuth.NonceLength).Select(i => (byte)i).ToArray();
        var host = new SessionAuth(SessionAuth.Host, key, 0);
        var board = new SessionAuth(SessionAuth.Board, key, 0);
        var other = new SessionAuth(SessionAuth.Board, key, 0);
        host.Establish(nb, 0, nh, 0);
        board.Establish(nb, 0, nh, 0);
        other.Establish(nh, 0, nb, 0);
        return (host, board, other);
    }

    /// <summary>The platform's CSPRNG, recording what it gave.</summary>
    private sealed class RecordedRandom : IRandomSource
    {
        public readonly List<uint> Given = [];

        public uint NextUInt32()
        {
            uint n = BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(4));
            Given.Add(n);
            return n;
        }
    }

    private static byte[] Encode(DesiredState s, SessionAuth? keys, IRandomSource? random)
    {
        var w = new PayloadWriter();
        byte[] buffer = new byte[Frame.MaxPayload];
        w.Begin(buffer, 0, buffer.Length);
        StateCodec.Encode(s, w, keys!, random!);
        Assert.False(w.Overflow);
        return buffer[..w.Length];
    }

    private static DesiredState? Decode(byte[] payload, SessionAuth? keys, DesiredState? held = null)
    {
        var r = new PayloadReader();
        r.Begin(payload, 0, payload.Length);
        return StateCodec.Decode(r, held!, null!, keys!);
    }

    private static bool Holds(byte[] payload, string text) => payload.AsSpan().IndexOf(Encoding.ASCII.GetBytes(text)) >= 0;

    [Fact]
    public void In_a_session_the_keys_go_encrypted_and_the_board_decodes_the_originals()
    {
        var (host, board, _) = Session();
        var s = new DesiredState { PodNetwork = 0x0AF40100, Tls = Certificates(KeyText) };
        byte[] sent = Encode(s, host, new RecordedRandom());

        Assert.False(Holds(sent, "PRIVATE KEY"), "a key's PEM crossed the line readable");
        Assert.False(Holds(sent, "\nMIGH\n"), "a key's body crossed the line readable");
        Assert.True(Holds(sent, "-----BEGIN CERTIFICATE-----\nMIID"), "the chains are public and go as they are");
        Assert.Equal(StatePayloads.Encode(s).Length + 2 * SessionAuth.NonceLength, sent.Length); // a nonce per key, nothing else

        DesiredState held = Decode(sent, board)!;
        Assert.True(Certificates(KeyText).SameAs(held.Tls));
        Assert.Equal(Certificates(KeyText).Keys, held.Tls!.Keys);

        // A resync (other nonces, other bytes) keeps the set the board holds: compared decrypted.
        byte[] again = Encode(s, host, new RecordedRandom());
        Assert.NotEqual(sent, again);
        Assert.Same(held.Tls, Decode(again, board, held)!.Tls);

        // The comparing encoding (StateDiff's) holds the keys as they are, without a session.
        Assert.True(Holds(StatePayloads.Encode(s), "PRIVATE KEY"));
    }

    [Fact]
    public void On_the_console_without_a_session_the_keys_go_as_they_are_and_the_flag_says_so()
    {
        var (_, board, _) = Session();
        var s = new DesiredState { PodNetwork = 0x0AF40100, Tls = Certificates(KeyText) };
        byte[] sent = Encode(s, null, null);

        Assert.Equal(StatePayloads.Encode(s), sent);
        Assert.True(Holds(sent, KeyText));
        Assert.True(Certificates(KeyText).SameAs(Decode(sent, null)!.Tls));
        Assert.True(Certificates(KeyText).SameAs(Decode(sent, board)!.Tls), "plain keys read the same on a line with a session");

        // Encrypted keys on a line with no session: nothing there can read them, the state is refused.
        var (host, _, _) = Session();
        Assert.Null(Decode(Encode(s, host, new RecordedRandom()), null));
    }

    [Fact]
    public void Another_session_key_decrypts_to_other_bytes_and_each_key_takes_its_own_nonce()
    {
        var (host, board, other) = Session();
        var s = new DesiredState { PodNetwork = 0x0AF40100, Tls = Certificates(KeyText) };
        var random = new RecordedRandom();
        byte[] sent = Encode(s, host, random);

        // A rotated or another line's session key: the frame's MAC refuses the frame first; the
        // keystream, so the key, differs under it as well.
        TlsCertificates misread = Decode(sent, other)!.Tls!;
        Assert.NotEqual(Certificates(KeyText).Keys[0], misread.Keys[0]);
        Assert.NotEqual(Certificates(KeyText).Keys[1], misread.Keys[1]);
        Assert.Equal(Certificates(KeyText).Chains, misread.Chains);

        // Two keys, two nonces (four numbers each), both on the line before their keys.
        Assert.Equal(8, random.Given.Count);
        byte[][] nonces = random.Given.Chunk(4).Select(n => n.SelectMany(BigEndian).ToArray()).ToArray();
        Assert.NotEqual(nonces[0], nonces[1]);
        int first = sent.AsSpan().IndexOf(nonces[0]), second = sent.AsSpan().IndexOf(nonces[1]);
        Assert.True(first > 0 && second > first + SessionAuth.NonceLength + Certificates().Keys[0].Length, $"nonces at {first} and {second}");
        Assert.True(Certificates(KeyText).SameAs(Decode(sent, board)!.Tls));
    }

    [Fact]
    public void A_delta_in_a_session_carries_the_rotated_key_encrypted()
    {
        var (host, board, _) = Session();
        DesiredState held = Decode(Encode(new DesiredState { PodNetwork = 0x0AF40100, Generation = 1, Tls = Certificates() }, host, new RecordedRandom()), board)!;
        TlsCertificates rotated = Certificates("-----BEGIN PRIVATE KEY-----\nrotated\n-----END PRIVATE KEY-----\n");
        var w = new PayloadWriter();
        byte[] buffer = new byte[Frame.MaxPayload];
        w.Begin(buffer, 0, buffer.Length);
        StateDelta.Encode(1, StateDelta.TlsReplaced, [], [], new DesiredState { PodNetwork = 0x0AF40100, Generation = 2, Tls = rotated }, w, host, new RecordedRandom());
        Assert.False(Holds(buffer[..w.Length], "rotated"));

        var r = new PayloadReader();
        r.Begin(buffer, 0, w.Length);
        Assert.Null(StateDelta.Merge(held, r, null!, out string? refused)); // no session to read it with
        Assert.NotNull(refused);
        r.Begin(buffer, 0, w.Length);
        DesiredState next = StateDelta.Merge(held, r, null!, out string? error, board)!;
        Assert.Null(error);
        Assert.True(rotated.SameAs(next.Tls));
    }

    private static byte[] BigEndian(uint value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];

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
