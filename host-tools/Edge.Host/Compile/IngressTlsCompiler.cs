using Edge.Dataplane.Ingress;
using Edge.Host.Objects;

namespace Edge.Host.Compile;

/// <summary>
/// The certificates one board terminates TLS with: those of the spec.tls entries of the
/// Ingresses Edge serves (canaries left out, as ingress-nginx takes no TLS from a canary),
/// oldest Ingress first as the routes are, each Secret once however many entries name it, with
/// every host it is named for. Only a board whose Node takes TLS sessions (<see cref="NodeTls"/>)
/// gets any: a WROOM board gets null, and so does every board when no Ingress has TLS. An entry
/// whose Secret is missing, not <c>kubernetes.io/tls</c> or not PEM (<see cref="TlsSecret"/>) is
/// left out, as is one without a secretName (ingress-nginx would answer those hosts with its own
/// self-signed default certificate; a board has none); the controllers say why on the Ingress.
/// </summary>
public static class IngressTlsCompiler
{
    public static TlsCertificates? Compile(KubeObject node, IReadOnlyList<KubeObject> ingresses, IReadOnlyList<KubeObject> ingressClasses,
        IReadOnlyList<KubeObject> secrets)
    {
        if (!NodeTls.Terminates(node))
        {
            return null;
        }

        var pairs = new List<TlsKeyPair>();
        var certificateOf = new Dictionary<(string Namespace, string Name), int>();
        var hosts = new List<(string Host, int Certificate)>();
        foreach (KubeObject ingress in IngressRouteCompiler.ServedInOrder(ingresses, ingressClasses).Where(i => !IngressAnnotations.IsCanary(i)))
        {
            foreach (IngressTls.Entry entry in IngressTls.Entries(ingress).Where(e => e.SecretName.Length > 0))
            {
                var name = (ingress.Namespace, entry.SecretName);
                if (!certificateOf.TryGetValue(name, out int certificate))
                {
                    KubeObject? secret = secrets.FirstOrDefault(s => s.Namespace == name.Namespace && s.Name == name.SecretName);
                    if (secret == null || TlsSecret.Read(secret).Pair is not { } pair)
                    {
                        continue;
                    }

                    certificate = certificateOf[name] = pairs.Count;
                    pairs.Add(pair);
                }

                // A host named twice keeps its first certificate: the older Ingress's, as its rules win too.
                foreach (string host in entry.Hosts.DefaultIfEmpty(""))
                {
                    if (!hosts.Any(h => h.Host == host))
                    {
                        hosts.Add((host, certificate));
                    }
                }
            }
        }

        if (pairs.Count == 0)
        {
            return null;
        }

        var tls = new TlsCertificates(pairs.Count, hosts.Count);
        for (int i = 0; i < pairs.Count; i++)
        {
            tls.Chains[i] = pairs[i].Chain;
            tls.Keys[i] = pairs[i].Key;
        }

        for (int i = 0; i < hosts.Count; i++)
        {
            tls.Hosts[i] = hosts[i].Host;
            tls.HostCertificates[i] = hosts[i].Certificate;
        }

        return tls;
    }
}
