using Edge.Dataplane.Dns;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Trust;

namespace Edge.Dataplane.Mgmt
{
    /// <summary>
    /// A Delta payload: what changed between the generation a board has applied and the next.
    /// Small sections (peers, pods, the cluster's pod list, the policies, the ingress routes, the TLS certificates) travel whole when they changed;
    /// services and DNS entries travel one service at a time (every port of a changed service),
    /// with the names of services that went. The board merges it into the state it applied last
    /// and applies the result by difference, exactly as a snapshot. A delta for another base
    /// generation, or any node-level change, is not a delta: the host sends a snapshot instead.
    /// </summary>
    public static class StateDelta
    {
        public const int PeersReplaced = 1;
        public const int PodsReplaced = 2;
        public const int ClusterPodsReplaced = 4;
        public const int PoliciesReplaced = 8;
        public const int IngressReplaced = 16;
        public const int TlsReplaced = 32;

        /// <summary>Writes the delta: base generation, flags, names of removed services and DNS entries, then the changed parts as a state.</summary>
        /// <remarks>With <paramref name="keys"/>, the line's established session, the TLS keys go encrypted (<see cref="StateCodec.Encode"/>).</remarks>
        public static void Encode(uint baseGeneration, int flags, string[] removedServices, string[] removedDns, DesiredState changed, PayloadWriter w, SessionAuth keys = null, IRandomSource random = null)
        {
            w.Varint(baseGeneration);
            w.Int(flags);
            WriteNames(removedServices, w);
            WriteNames(removedDns, w);
            StateCodec.Encode(changed, w, keys, random);
        }

        /// <summary>The base generation a delta payload builds on.</summary>
        public static uint BaseGeneration(byte[] payload, int offset, int length)
        {
            var r = new PayloadReader();
            r.Begin(payload, offset, length);
            return BaseGeneration(r);
        }

        /// <summary>The base generation of the delta at the reader's position (read without consuming it: a board checks it before it decodes).</summary>
        public static uint BaseGeneration(PayloadReader r)
        {
            int at = r.Position;
            uint generation = r.Varint();
            r.Position = at;
            return generation;
        }

        /// <summary>
        /// The next state: <paramref name="previous"/> with the delta applied; null when the payload
        /// is damaged (then <paramref name="error"/> says so).
        /// </summary>
        public static DesiredState Merge(DesiredState previous, PayloadReader r, out string error)
        {
            return Merge(previous, r, null, out error);
        }

        /// <summary>
        /// As <see cref="Merge(DesiredState, PayloadReader, out string)"/>, handing upserted services
        /// and DNS entries to <paramref name="sink"/> as they arrive; <paramref name="keys"/> is the
        /// established session of the line the delta came on (null: none), which decrypts the TLS keys.
        /// The whole payload at once: a board takes a delta in parts (<see cref="StateReceiver"/>).
        /// </summary>
        public static DesiredState Merge(DesiredState previous, PayloadReader r, IStateSink sink, out string error, SessionAuth keys = null)
        {
            var decoder = new StateDecoder(true, previous, sink, keys);
            decoder.Read(r);
            DesiredState next = decoder.Done && r.AtEnd ? decoder.State : null;
            error = next == null ? "delta damaged or of another format" : null;
            return next;
        }

        /// <summary>
        /// The next state: <paramref name="previous"/> with the changed parts a delta brought
        /// (<paramref name="changed"/>, decoded as a state) put in, by <paramref name="flags"/>, and
        /// the services and DNS entries it names removed.
        /// </summary>
        internal static DesiredState Combine(DesiredState previous, int flags, string[] removedServices, string[] removedDns, DesiredState changed)
        {
            // Node-level settings come whole in every delta (a few bytes), so they are always current.
            var next = changed;
            next.Peers = (flags & PeersReplaced) != 0 ? changed.Peers : previous.Peers;
            next.Pods = (flags & PodsReplaced) != 0 ? changed.Pods : previous.Pods;
            if ((flags & ClusterPodsReplaced) == 0)
            {
                next.ClusterPodAddresses = previous.ClusterPodAddresses;
                next.ClusterPodNamespaces = previous.ClusterPodNamespaces;
            }

            if ((flags & PoliciesReplaced) == 0)
            {
                next.Policies = previous.Policies;
            }

            if ((flags & IngressReplaced) == 0)
            {
                next.Ingress = previous.Ingress;
            }

            if ((flags & TlsReplaced) == 0)
            {
                next.Tls = previous.Tls;
            }

            next.Services = MergeServices(previous.Services, changed.Services, removedServices);
            next.DnsServices = MergeDns(previous.DnsServices, changed.DnsServices, removedDns);
            return next;
        }

        private static Service[] MergeServices(Service[] previous, Service[] upserts, string[] removed)
        {
            int kept = 0;
            for (int i = 0; i < previous.Length; i++)
            {
                if (!Replaced(previous[i].Namespace, previous[i].Name, upserts, removed))
                {
                    kept++;
                }
            }

            var merged = new Service[kept + upserts.Length];
            int n = 0;
            for (int i = 0; i < previous.Length; i++)
            {
                if (!Replaced(previous[i].Namespace, previous[i].Name, upserts, removed))
                {
                    merged[n++] = previous[i];
                }
            }

            for (int i = 0; i < upserts.Length; i++)
            {
                merged[n++] = upserts[i];
            }

            return merged;
        }

        private static DnsService[] MergeDns(DnsService[] previous, DnsService[] upserts, string[] removed)
        {
            int kept = 0;
            for (int i = 0; i < previous.Length; i++)
            {
                if (!DnsReplaced(previous[i], upserts, removed))
                {
                    kept++;
                }
            }

            var merged = new DnsService[kept + upserts.Length];
            int n = 0;
            for (int i = 0; i < previous.Length; i++)
            {
                if (!DnsReplaced(previous[i], upserts, removed))
                {
                    merged[n++] = previous[i];
                }
            }

            for (int i = 0; i < upserts.Length; i++)
            {
                merged[n++] = upserts[i];
            }

            return merged;
        }

        private static bool Replaced(string ns, string name, Service[] upserts, string[] removed)
        {
            for (int i = 0; i < upserts.Length; i++)
            {
                if (upserts[i].Name == name && upserts[i].Namespace == ns)
                {
                    return true;
                }
            }

            return Listed(ns, name, removed);
        }

        private static bool DnsReplaced(DnsService entry, DnsService[] upserts, string[] removed)
        {
            for (int i = 0; i < upserts.Length; i++)
            {
                if (upserts[i].Name == entry.Name && upserts[i].Namespace == entry.Namespace)
                {
                    return true;
                }
            }

            return Listed(entry.Namespace, entry.Name, removed);
        }

        private static bool Listed(string ns, string name, string[] names)
        {
            for (int i = 0; i < names.Length; i += 2)
            {
                if (names[i] == ns && names[i + 1] == name)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Names as namespace, name pairs, flattened (no tuples on a board).</summary>
        private static void WriteNames(string[] pairs, PayloadWriter w)
        {
            w.Int(pairs.Length / 2);
            for (int i = 0; i + 1 < pairs.Length; i += 2)
            {
                w.String(pairs[i]);
                w.String(pairs[i + 1]);
            }
        }

        internal static string[] ReadNames(PayloadReader r)
        {
            int count = r.Count(2);
            var pairs = new string[count * 2];
            for (int i = 0; i < pairs.Length && !r.Failed; i++)
            {
                pairs[i] = r.String() ?? "";
            }

            return pairs;
        }
    }
}
