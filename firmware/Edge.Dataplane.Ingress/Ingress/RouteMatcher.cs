namespace Edge.Dataplane.Ingress
{
    /// <summary>
    /// Picks the route for a request, as the Kubernetes Ingress documentation specifies
    /// ("Path types", "Examples", "Hostname wildcards") and ingress-nginx does where it is silent:
    /// <list type="number">
    /// <item>The host chooses the rule set: rules naming the host exactly, else a wildcard rule
    /// (<c>*.example.com</c> matches exactly one label in place of the <c>*</c>), else the rules
    /// without a host. As with ingress-nginx's server blocks, a host that has rules of its own does
    /// not fall back to the host-less rules' paths.</item>
    /// <item>Within that set the longest matching path wins, and on equal length Exact beats Prefix.
    /// Exact compares the whole path, case-sensitively. Prefix compares whole '/'-separated
    /// elements: <c>/foo</c> matches <c>/foo</c>, <c>/foo/</c> and <c>/foo/bar</c>, not <c>/foobar</c>;
    /// a trailing '/' in the rule is ignored. ImplementationSpecific is matched as Prefix, except
    /// in an Ingress using ingress-nginx's regular expressions (<see cref="RouteRewrites"/>), whose
    /// paths are case-insensitive patterns anchored at the path's start (their length still orders
    /// them, as ingress-nginx orders its regex locations longest first).</item>
    /// <item>No path matches: the defaultBackend, if an Ingress has one; else none (404).</item>
    /// </list>
    /// The request's host and path are read in place from the request head: no allocation.
    /// </summary>
    public static class RouteMatcher
    {
        /// <summary>The route for host and path (the request target without its query), or -1 when none matches and there is no default backend.</summary>
        public static int Match(IngressRoutes routes, byte[] head, int hostStart, int hostLength, int pathStart, int pathLength)
        {
            bool exactHost = false;
            bool wildcardHost = false;
            for (int i = 0; i < routes.Count && !exactHost; i++)
            {
                string host = routes.Hosts[i];
                if (routes.PathTypes[i] == PathType.Default || host.Length == 0)
                {
                    continue;
                }

                if (IngressRoutes.IsWildcard(host))
                {
                    wildcardHost |= WildcardMatches(host, head, hostStart, hostLength);
                }
                else
                {
                    exactHost = HostEquals(host, head, hostStart, hostLength);
                }
            }

            RouteRewrites rewrites = routes.Annotations != null ? routes.Annotations.Rewrites : null;
            int best = -1;
            int bestLength = -1;
            int fallback = -1;
            for (int i = 0; i < routes.Count; i++)
            {
                byte type = routes.PathTypes[i];
                if (type == PathType.Default)
                {
                    if (fallback < 0)
                    {
                        fallback = i;
                    }

                    continue;
                }

                string host = routes.Hosts[i];
                bool inSet = exactHost ? host.Length > 0 && !IngressRoutes.IsWildcard(host) && HostEquals(host, head, hostStart, hostLength)
                    : wildcardHost ? IngressRoutes.IsWildcard(host) && WildcardMatches(host, head, hostStart, hostLength)
                    : host.Length == 0;
                if (!inSet)
                {
                    continue;
                }

                string path = routes.Paths[i];
                byte[] program = rewrites != null ? rewrites.Programs[i] : null;
                int length = program != null ? (rewrites.Matcher.Matches(program, head, pathStart, pathLength) ? path.Length : -1)
                    : type == PathType.Exact ? ExactLength(path, head, pathStart, pathLength) : PrefixLength(path, head, pathStart, pathLength);
                if (length > bestLength || (length == bestLength && length >= 0 && type == PathType.Exact && routes.PathTypes[best] != PathType.Exact))
                {
                    best = i;
                    bestLength = length;
                }
            }

            if (best >= 0 && rewrites != null && rewrites.Programs[best] != null)
            {
                rewrites.Matcher.Matches(rewrites.Programs[best], head, pathStart, pathLength); // the chosen route's groups, for its rewrite
            }

            return best >= 0 ? best : fallback;
        }

        // The rule's length when the path is exactly the rule's, else -1.
        private static int ExactLength(string rule, byte[] head, int start, int length)
        {
            return SameText(rule, head, start, length) ? length : -1;
        }

        /// <summary>
        /// Whether two strings, either of which may be null, are the same text. Only tested for null
        /// by branching: on nanoCLR the elements of a new string array are null to a branch but
        /// not equal to a null reference (ceq), and its string equality takes the interpreter down
        /// on two of them (found on nanoCLR: `IngressTests`).
        /// </summary>
        public static bool SameString(string a, string b)
        {
            if (a == null)
            {
                if (b == null)
                {
                    return true;
                }

                return false;
            }

            if (b == null)
            {
                return false;
            }

            return a == b;
        }

        /// <summary>Whether two byte arrays, either of which may be null, hold the same bytes (nulls by branching, as <see cref="SameString"/>).</summary>
        public static bool SameBytes(byte[] a, byte[] b)
        {
            if (a == null)
            {
                if (b == null)
                {
                    return true;
                }

                return false;
            }

            if (b == null || a.Length != b.Length)
            {
                return false;
            }

            for (int i = 0; i < a.Length; i++)
            {
                if (a[i] != b[i])
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Whether head[start, start + length) holds exactly <paramref name="text"/> (ASCII, case-sensitive).</summary>
        internal static bool SameText(string text, byte[] head, int start, int length)
        {
            if (text.Length != length)
            {
                return false;
            }

            for (int i = 0; i < length; i++)
            {
                if (head[start + i] != text[i])
                {
                    return false;
                }
            }

            return true;
        }

        // The rule's length without its trailing '/' when the path starts with the rule's whole
        // elements, else -1. "/" matches every path (length 0, so any longer match beats it).
        private static int PrefixLength(string rule, byte[] head, int start, int length)
        {
            int n = rule.Length;
            while (n > 0 && rule[n - 1] == '/')
            {
                n--;
            }

            if (n > length)
            {
                return -1;
            }

            for (int i = 0; i < n; i++)
            {
                if (head[start + i] != rule[i])
                {
                    return -1;
                }
            }

            return n == length || head[start + n] == '/' ? n : -1;
        }

        // DNS names compare without regard to ASCII case; the rule's host is stored lower case.
        private static bool HostEquals(string host, byte[] head, int start, int length)
        {
            return host.Length == length && SameLowered(host, 0, head, start, length);
        }

        // "*.example.com" matches "a.example.com": one non-empty label, then the rule's suffix.
        private static bool WildcardMatches(string host, byte[] head, int start, int length)
        {
            int suffix = host.Length - 1; // ".example.com"
            int label = length - suffix;
            if (label < 1 || !SameLowered(host, 1, head, start + label, suffix))
            {
                return false;
            }

            for (int i = 0; i < label; i++)
            {
                if (head[start + i] == '.')
                {
                    return false;
                }
            }

            return true;
        }

        private static bool SameLowered(string lower, int from, byte[] head, int start, int length)
        {
            for (int i = 0; i < length; i++)
            {
                int c = head[start + i];
                if (c >= 'A' && c <= 'Z')
                {
                    c += 'a' - 'A';
                }

                if (c != lower[from + i])
                {
                    return false;
                }
            }

            return true;
        }
    }
}
