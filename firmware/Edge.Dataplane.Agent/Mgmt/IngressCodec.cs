using Edge.Dataplane.Ingress;

namespace Edge.Dataplane.Mgmt
{
    /// <summary>
    /// The ingress section of a state, after the policies: the number of routes (0 for none),
    /// then each route's host, path, pathType and backend service (namespace, name, port),
    /// strings as indexes into the state's string table. A route a board
    /// could not match (a path not starting with '/', an unknown pathType, a port beyond 65535) makes the
    /// section, and so the state, damaged.
    /// </summary>
    public static class IngressCodec
    {
        /// <summary>A route's fewest bytes: six one-byte fields.</summary>
        private const int MinimumRouteBytes = 6;

        public static void Collect(IngressRoutes routes, StringTable t)
        {
            if (routes == null)
            {
                return;
            }

            for (int i = 0; i < routes.Count; i++)
            {
                t.Index(routes.Hosts[i]);
                t.Index(routes.Paths[i]);
                t.Index(routes.Namespaces[i]);
                t.Index(routes.ServiceNames[i]);
            }
        }

        public static void Encode(IngressRoutes routes, StringTable t, PayloadWriter w)
        {
            int count = routes == null ? 0 : routes.Count;
            w.Int(count);
            for (int i = 0; i < count; i++)
            {
                w.Int(t.Index(routes.Hosts[i]));
                w.Int(t.Index(routes.Paths[i]));
                w.Byte(routes.PathTypes[i]);
                w.Int(t.Index(routes.Namespaces[i]));
                w.Int(t.Index(routes.ServiceNames[i]));
                w.Int(routes.ServicePorts[i]);
            }
        }

        /// <summary>
        /// The routes; null for none, or (with <paramref name="r"/> failed) when the section is
        /// damaged. Routes equal to <paramref name="held"/> (what the board serves) return that
        /// set: a resync makes no second copy.
        /// </summary>
        internal static IngressRoutes Decode(PayloadReader r, StringRefs strings, IngressRoutes held)
        {
            int count = r.Count(MinimumRouteBytes);
            if (count == 0 || r.Failed)
            {
                return null;
            }

            var routes = new IngressRoutes(count);
            for (int i = 0; i < count && !r.Failed; i++)
            {
                string host = StateCodec.Required(strings, r);
                string path = StateCodec.Required(strings, r);
                int type = r.Byte();
                string ns = StateCodec.Required(strings, r);
                string service = StateCodec.Required(strings, r);
                int port = r.Int();
                if (!r.Failed && (port < 0 || port > 65535 || !routes.Add(host, path, (byte)type, ns, service, (ushort)port)))
                {
                    r.Failed = true;
                }
            }

            return held != null && held.SameRoutes(routes) ? held : routes;
        }
    }
}
