using Edge.Dataplane.Ingress;

namespace Edge.Dataplane.Mgmt
{
    /// <summary>
    /// The ingress section of a state, after the policies: the number of routes (0 for none),
    /// then each route's host, path, pathType and backend service (namespace, name, port),
    /// strings as indexes into the state's string table; then whether any route has annotations,
    /// and if so the number of allowed ranges, then per route its ranges, its canary (or 0) and whether it redirects to https; then whether any route has a pattern, and if so each route's program (its length, 0 for none) and rewrite target. A route a board
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

            RouteAnnotations a = routes.Annotations;
            for (int i = 0; a != null && i < routes.Count; i++)
            {
                t.Index(a.CanaryNamespaces[i]);
                t.Index(a.CanaryServices[i]);
                t.Index(a.CanaryHeaders[i]);
                t.Index(a.CanaryHeaderValues[i]);
                t.Index(a.Rewrites != null ? a.Rewrites.Targets[i] : null);
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

            if (count > 0)
            {
                EncodeAnnotations(routes, t, w);
            }
        }

        private static void EncodeAnnotations(IngressRoutes routes, StringTable t, PayloadWriter w)
        {
            RouteAnnotations a = routes.Annotations;
            w.Bool(a != null);
            if (a == null)
            {
                return;
            }

            w.Int(a.Ranges);

            for (int i = 0; i < routes.Count; i++)
            {
                w.Int(a.AllowCount[i]);
                for (int k = a.AllowFirst[i]; k < a.AllowFirst[i] + a.AllowCount[i]; k++)
                {
                    w.Address(a.AllowAddresses[k]);
                    w.Byte(a.AllowPrefixes[k]);
                }

                w.Int(t.Index(a.CanaryServices[i]));
                if (a.CanaryServices[i] != null)
                {
                    w.Int(t.Index(a.CanaryNamespaces[i]));
                    w.Int(a.CanaryPorts[i]);
                    w.Byte(a.CanaryWeights[i]);
                    w.Int(t.Index(a.CanaryHeaders[i]));
                    w.Int(t.Index(a.CanaryHeaderValues[i]));
                }

                w.Bool(a.SslRedirects[i]);
            }

            RouteRewrites rewrites = a.Rewrites;
            w.Bool(rewrites != null);
            for (int i = 0; rewrites != null && i < routes.Count; i++)
            {
                byte[] program = rewrites.Programs[i];
                w.Int(program == null ? 0 : program.Length);
                if (program != null)
                {
                    w.Raw(program, 0, program.Length);
                    w.Int(t.Index(rewrites.Targets[i]));
                }
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

            if (!r.Failed)
            {
                routes.Annotations = DecodeAnnotations(r, strings, count);
            }

            return held != null && held.SameRoutes(routes) ? held : routes;
        }

        // Each route's pattern (a program the matcher can run, else the state is damaged) and rewrite target.
        private static RouteRewrites DecodeRewrites(PayloadReader r, StringRefs strings, int routes)
        {
            var rewrites = new RouteRewrites(routes);
            for (int i = 0; i < routes && !r.Failed; i++)
            {
                int length = r.Count(1);
                if (length == 0)
                {
                    continue;
                }

                byte[] program = new byte[length];
                r.Raw(program, 0, length);
                rewrites.Targets[i] = StateCodec.Ref(strings, r);
                if (!r.Failed && !PathPattern.Valid(program))
                {
                    r.Failed = true;
                }

                rewrites.Programs[i] = program;
            }

            return rewrites;
        }

        private static RouteAnnotations DecodeAnnotations(PayloadReader r, StringRefs strings, int routes)
        {
            if (!r.Bool())
            {
                return null;
            }

            int ranges = r.Count(5); // an address and a prefix each

            var a = new RouteAnnotations(routes, ranges);
            for (int i = 0; i < routes && !r.Failed; i++)
            {
                int allowed = r.Int();
                for (int k = 0; k < allowed && !r.Failed; k++)
                {
                    uint address = r.Address();
                    int prefix = r.Byte();
                    if (!r.Failed && !a.Allow(i, address, prefix))
                    {
                        r.Failed = true;
                    }
                }

                string service = StateCodec.Ref(strings, r);
                if (service != null)
                {
                    string ns = StateCodec.Required(strings, r);
                    int port = r.Int();
                    int weight = r.Byte();
                    string header = StateCodec.Ref(strings, r);
                    string value = StateCodec.Ref(strings, r);
                    if (!r.Failed && (port < 0 || port > 65535 || !a.Canary(i, ns, service, (ushort)port, weight, header, value)))
                    {
                        r.Failed = true;
                    }
                }

                a.SslRedirects[i] = r.Bool();
            }

            if (!r.Failed && r.Bool())
            {
                a.Rewrites = DecodeRewrites(r, strings, routes);
            }

            return a;
        }
    }
}
