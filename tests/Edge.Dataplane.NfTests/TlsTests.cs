#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.Ingress;
using Edge.Dataplane.NfTests.Golden;
using Edge.Dataplane.Workloads;
using Edge.Dataplane.NfTests.Sim;
using nanoFramework.TestFramework;
using Assert = nanoFramework.TestFramework.Assert;

namespace Edge.Dataplane.NfTests
{
    /// <summary>
    /// How a board picks the certificate for a TLS client before its handshake: the name from
    /// the ClientHello's server_name extension (RFC 6066 section 3, in RFC 8446's ClientHello),
    /// read from what real clients sent, then the Secret whose tls.hosts has it — exactly, or by
    /// a wildcard for one label, as the Kubernetes Ingress documentation's hostname wildcards.
    /// </summary>
    [TestClass]
    public class TlsTests
    {
        [TestMethod]
        public void The_name_is_read_from_curls_and_OpenSSLs_ClientHellos()
        {
            Assert.AreEqual("secure.example", ServerName(ClientHellos.Curl));
            Assert.AreEqual("Web.Example.COM", ServerName(ClientHellos.OpenSsl));
            Assert.AreEqual("old.example", ServerName(ClientHellos.OpenSslTls12));

            int start;
            int length;
            byte[] unnamed = Hex.Bytes(ClientHellos.OpenSslWithoutName);
            Assert.AreEqual(TlsServerName.Unnamed, TlsServerName.Find(unnamed, unnamed.Length, out start, out length));
        }

        [TestMethod]
        public void Until_the_first_record_is_whole_more_bytes_are_needed_and_plain_HTTP_is_not_a_ClientHello()
        {
            byte[] hello = Hex.Bytes(ClientHellos.Curl);
            int start;
            int length;
            for (int count = 0; count < hello.Length; count += 7)
            {
                Assert.AreEqual(TlsServerName.Incomplete, TlsServerName.Find(hello, count, out start, out length), count.ToString() + " bytes");
            }

            byte[] http = Ascii.Bytes("GET / HTTP/1.1\r\nHost: secure.example\r\n\r\n");
            Assert.AreEqual(TlsServerName.NotClientHello, TlsServerName.Find(http, http.Length, out start, out length));
        }

        [TestMethod]
        public void A_damaged_hello_is_refused_or_unnamed_never_read_past_its_record()
        {
            byte[] hello = Hex.Bytes(ClientHellos.Curl);
            int start;
            int length;

            // Every byte of the record set to each extreme in turn: whatever Find says, a name it gives lies in the record.
            for (int at = 5; at < hello.Length; at++)
            {
                byte kept = hello[at];
                for (int v = 0; v < 2; v++)
                {
                    hello[at] = v == 0 ? (byte)0 : (byte)0xFF;
                    int found = TlsServerName.Find(hello, hello.Length, out start, out length);
                    Assert.IsTrue(found != TlsServerName.Incomplete || at == 3 || at == 4, "byte " + at.ToString());
                    Assert.IsTrue(found != TlsServerName.Named || (start > 5 && start + length <= hello.Length), "byte " + at.ToString());
                }

                hello[at] = kept;
            }

            byte[] header = Hex.Bytes("160301");
            Assert.AreEqual(TlsServerName.Incomplete, TlsServerName.Find(header, header.Length, out start, out length));
            byte[] handshakeButNotHello = Hex.Bytes("16030300040200000000");
            Assert.AreEqual(TlsServerName.NotClientHello, TlsServerName.Find(handshakeButNotHello, handshakeButNotHello.Length, out start, out length));
        }

        [TestMethod]
        public void The_certificate_listing_the_name_is_chosen_then_a_wildcard_then_one_without_hosts_then_the_first()
        {
            var tls = new TlsCertificates(3, 4);
            tls.Hosts[0] = "*.example.com";
            tls.HostCertificates[0] = 0;
            tls.Hosts[1] = "foo.example.com";
            tls.HostCertificates[1] = 1;
            tls.Hosts[2] = "secure.example";
            tls.HostCertificates[2] = 1;
            tls.Hosts[3] = "";
            tls.HostCertificates[3] = 2;

            Assert.AreEqual(1, tls.Choose("foo.example.com"), "an exact name beats a wildcard listed before it");
            Assert.AreEqual(1, tls.Choose("FOO.Example.com"), "names compare without case");
            Assert.AreEqual(0, tls.Choose("bar.example.com"), "*.example.com covers one label");
            Assert.AreEqual(2, tls.Choose("a.bar.example.com"), "not two");
            Assert.AreEqual(2, tls.Choose("example.com"), "nor none");
            Assert.AreEqual(2, tls.Choose(null), "no name: the entry without hosts");

            var named = new TlsCertificates(2, 2);
            named.Hosts[0] = "a.example";
            named.HostCertificates[0] = 0;
            named.Hosts[1] = "b.example";
            named.HostCertificates[1] = 1;
            Assert.AreEqual(1, named.Choose("b.example"));
            Assert.AreEqual(0, named.Choose("c.example"), "a name no Secret has: the first, which the client will not take");
            Assert.AreEqual(-1, new TlsCertificates(0, 0).Choose("a.example"));
        }

        private static string ServerName(string hex)
        {
            byte[] hello = Hex.Bytes(hex);
            int start;
            int length;
            Assert.AreEqual(TlsServerName.Named, TlsServerName.Find(hello, hello.Length, out start, out length));
            return Ascii.GetString(hello, start, length);
        }
    }
}
