using Edge.Host.Objects;
using Edge.Host.Scheduling;

namespace Edge.Host.Controllers;

/// <summary>
/// What keeps an Ingress's spec.tls from being served as written, each said once as a Warning
/// event on the Ingress (beside <see cref="IngressBackendCheck"/>'s): a Secret that is not there,
/// one that is not a usable <c>kubernetes.io/tls</c> Secret (<see cref="TlsSecret"/>), a TLS host
/// that no rule routes (kube-apiserver takes it; ingress-nginx only logs it), and a cluster whose
/// Ready boards all take no TLS sessions (WROOM boards), where no board terminates it at all.
/// </summary>
public static class IngressTlsCheck
{
    public const string SecretNotFound = "SecretNotFound";
    public const string InvalidSecret = "InvalidTLSSecret";
    public const string HostNotRouted = "TLSHostNotRouted";
    public const string NotTerminated = "TLSNotTerminated";

    /// <summary>Each problem with its reason, in the order spec.tls names them, the cluster's last.</summary>
    public static List<(string Reason, string Message)> Problems(KubeObject ingress, IReadOnlyList<KubeObject> secrets, IReadOnlyList<KubeObject> nodes)
    {
        var problems = new List<(string, string)>();
        List<IngressTls.Entry> entries = IngressTls.Entries(ingress);
        List<string> ruleHosts = IngressTls.RuleHosts(ingress);
        var judged = new HashSet<string>();
        foreach (IngressTls.Entry entry in entries)
        {
            string at = $"spec.tls[{entry.Index}]";
            string hosts = entry.Hosts.Count > 0 ? string.Join(",", entry.Hosts) : "its hosts";
            if (entry.SecretName.Length > 0 && judged.Add(entry.SecretName))
            {
                string qualified = $"{ingress.Namespace}/{entry.SecretName}";
                KubeObject? secret = secrets.FirstOrDefault(s => s.Namespace == ingress.Namespace && s.Name == entry.SecretName);
                if (secret == null)
                {
                    problems.Add((SecretNotFound, $"{at}: secret \"{qualified}\" not found: no board has a certificate for {hosts} until it exists "
                        + $"(kubectl create secret tls {entry.SecretName} -n {ingress.Namespace} --cert=tls.crt --key=tls.key)"));
                }
                else if (TlsSecret.Read(secret).Problem is string wrong)
                {
                    problems.Add((InvalidSecret, $"{at}: secret \"{qualified}\" {wrong}: no board has a certificate for {hosts} until it is fixed "
                        + $"(kubectl create secret tls {entry.SecretName} -n {ingress.Namespace} --cert=tls.crt --key=tls.key makes one as it must be)"));
                }
            }

            foreach (string host in entry.Hosts.Where(h => !ruleHosts.Any(r => IngressTls.Covers(r, h))))
            {
                problems.Add((HostNotRouted, $"{at}: host {host} has no rule in this Ingress, so its certificate serves no request: add a rule for it, or take it out of spec.tls"));
            }
        }

        // Only Nodes that said how many sessions they take count: one registered before its board's
        // firmware said it (a control plane restarted after an upgrade) will say it when it reconnects.
        List<KubeObject> ready = nodes.Where(Scheduler.IsReady).ToList();
        if (entries.Count > 0 && ready.Count > 0 && ready.All(NodeTls.Reported) && !ready.Any(NodeTls.Terminates))
        {
            problems.Add((NotTerminated, $"no board in this cluster terminates TLS: every Ready node has {NodeTls.Resource} 0 (WROOM boards take none), "
                + "so https is not served and HTTP is served without the redirect; a WROVER board or a virtual board terminates it"));
        }

        return problems;
    }
}
