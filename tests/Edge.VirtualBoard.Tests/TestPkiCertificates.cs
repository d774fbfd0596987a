using Edge.Dataplane.Ingress;

namespace Edge.VirtualBoard.Tests;

/// <summary>A <see cref="TestPki"/>'s leaves as the dataplane's certificate table.</summary>
internal static class TestPkiCertificates
{
    /// <summary>
    /// The certificates as a board gets them from the host: each leaf with the names it serves
    /// (as an Ingress's <c>spec.tls[].hosts</c>).
    /// </summary>
    public static TlsCertificates Certificates(this TestPki pki, params (string Cn, string[] Hosts)[] leaves)
    {
        var certificates = new TlsCertificates(leaves.Length, leaves.Sum(l => l.Hosts.Length));
        int host = 0;
        for (int i = 0; i < leaves.Length; i++)
        {
            string[] sans = leaves[i].Hosts.Where(h => h.Length > 0).ToArray();
            (certificates.Chains[i], certificates.Keys[i]) = pki.Leaf(leaves[i].Cn, sans.Length > 0 ? sans : [leaves[i].Cn]);
            foreach (string name in leaves[i].Hosts)
            {
                certificates.Hosts[host] = name;
                certificates.HostCertificates[host++] = i;
            }
        }

        return certificates;
    }
}
