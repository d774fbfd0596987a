using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Ingress
{
    /// <summary>
    /// What ingress-nginx's annotations add to routes, as the host compiled them; made only when
    /// some route has any, so a board whose Ingresses have none holds nothing for them.
    /// <list type="bullet">
    /// <item><c>whitelist-source-range</c> (or <c>allowlist-source-range</c>): the client addresses
    /// a route takes; others get 403. A route with none takes everyone.</item>
    /// <item><c>canary</c>: another backend for the route, from an Ingress marked canary for the
    /// same host and path, chosen by a request header first (<c>canary-by-header</c>: "always" or
    /// "never", or equal to <c>canary-by-header-value</c> when that is set; any other value is
    /// ignored), then for <c>canary-weight</c> percent of the rest.</item>
    /// <item><c>ssl-redirect</c> (true by default where the route's host has TLS) and
    /// <c>force-ssl-redirect</c>: a plain HTTP request gets 308 to its https:// address, on a board
    /// that terminates TLS (one that does not serves it as it came: there is no https to go to).</item>
    /// <item><c>use-regex</c> and <c>rewrite-target</c>: <see cref="RouteRewrites"/>.</item>
    /// </list>
    /// </summary>
    public sealed class RouteAnnotations
    {
        /// <summary>Per route: where its allowed ranges start in the shared list, and how many (0: everyone).</summary>
        public readonly ushort[] AllowFirst;
        public readonly byte[] AllowCount;
        public readonly uint[] AllowAddresses;
        public readonly byte[] AllowPrefixes;
        private int _allowed;

        /// <summary>Per route: the canary backend (null service: none), its weight (0-100) and header rule.</summary>
        public readonly string[] CanaryNamespaces;
        public readonly string[] CanaryServices;
        public readonly ushort[] CanaryPorts;
        public readonly byte[] CanaryWeights;
        public readonly string[] CanaryHeaders;
        public readonly string[] CanaryHeaderValues;

        /// <summary>Per route: a plain HTTP request is redirected (308) to https.</summary>
        public readonly bool[] SslRedirects;

        /// <summary>Regular-expression paths and rewrite-target; null when no route has either.</summary>
        public RouteRewrites Rewrites;

        public RouteAnnotations(int routes, int ranges)
        {
            AllowFirst = new ushort[routes];
            AllowCount = new byte[routes];
            AllowAddresses = new uint[ranges];
            AllowPrefixes = new byte[ranges];
            CanaryNamespaces = new string[routes];
            CanaryServices = new string[routes];
            CanaryPorts = new ushort[routes];
            CanaryWeights = new byte[routes];
            CanaryHeaders = new string[routes];
            CanaryHeaderValues = new string[routes];
            SslRedirects = new bool[routes];
        }

        public int Ranges
        {
            get { return AllowAddresses.Length; }
        }

        /// <summary>Adds an allowed range to a route (routes in order); false when the list is full or the prefix is not one.</summary>
        public bool Allow(int route, uint address, int prefix)
        {
            if (_allowed == AllowAddresses.Length || prefix < 0 || prefix > 32 || AllowCount[route] == 255
                || (AllowCount[route] > 0 && AllowFirst[route] + AllowCount[route] != _allowed))
            {
                return false;
            }

            if (AllowCount[route] == 0)
            {
                AllowFirst[route] = (ushort)_allowed;
            }

            AllowAddresses[_allowed] = address & Ipv4Address.MaskOf(prefix);
            AllowPrefixes[_allowed] = (byte)prefix;
            AllowCount[route]++;
            _allowed++;
            return true;
        }

        /// <summary>Gives a route a canary backend; false for a weight above 100 or a missing name.</summary>
        public bool Canary(int route, string ns, string service, ushort port, int weight, string header, string headerValue)
        {
            if (ns == null || service == null || weight < 0 || weight > 100)
            {
                return false;
            }

            CanaryNamespaces[route] = ns;
            CanaryServices[route] = service;
            CanaryPorts[route] = port;
            CanaryWeights[route] = (byte)weight;
            CanaryHeaders[route] = header;
            CanaryHeaderValues[route] = headerValue;
            return true;
        }

        /// <summary>Whether the route takes a client from this address.</summary>
        public bool Allows(int route, uint client)
        {
            int n = AllowCount[route];
            int first = AllowFirst[route];
            for (int i = first; i < first + n; i++)
            {
                if (Ipv4Address.InPrefix(client, AllowAddresses[i], AllowPrefixes[i]))
                {
                    return true;
                }
            }

            return n == 0;
        }

        /// <summary>Whether this request goes to the route's canary: by its header rule, else by weight (<paramref name="roll"/> a random number).</summary>
        public bool ToCanary(int route, byte[] head, RequestHead request, uint roll)
        {
            if (CanaryServices[route] == null)
            {
                return false;
            }

            string header = CanaryHeaders[route];
            int value = header == null ? -1 : request.FieldValue(head, header);
            if (value >= 0)
            {
                int length = request.FieldValueLength;
                string wanted = CanaryHeaderValues[route];
                if (wanted != null)
                {
                    if (RouteMatcher.SameText(wanted, head, value, length))
                    {
                        return true;
                    }
                }
                else if (RouteMatcher.SameText("always", head, value, length))
                {
                    return true;
                }
                else if (RouteMatcher.SameText("never", head, value, length))
                {
                    return false;
                }
            }

            return roll % 100 < CanaryWeights[route];
        }

        /// <summary>Whether both hold the same annotations for every route.</summary>
        public bool Same(RouteAnnotations other, int routes)
        {
            if (other == null || other.AllowAddresses.Length != AllowAddresses.Length)
            {
                return false;
            }

            for (int i = 0; i < AllowAddresses.Length; i++)
            {
                if (AllowAddresses[i] != other.AllowAddresses[i] || AllowPrefixes[i] != other.AllowPrefixes[i])
                {
                    return false;
                }
            }

            for (int r = 0; r < routes; r++)
            {
                if (AllowFirst[r] != other.AllowFirst[r] || AllowCount[r] != other.AllowCount[r]
                    || !RouteMatcher.SameString(CanaryNamespaces[r], other.CanaryNamespaces[r]) || !RouteMatcher.SameString(CanaryServices[r], other.CanaryServices[r])
                    || CanaryPorts[r] != other.CanaryPorts[r] || CanaryWeights[r] != other.CanaryWeights[r]
                    || !RouteMatcher.SameString(CanaryHeaders[r], other.CanaryHeaders[r]) || !RouteMatcher.SameString(CanaryHeaderValues[r], other.CanaryHeaderValues[r])
                    || SslRedirects[r] != other.SslRedirects[r])
                {
                    return false;
                }
            }

            return Rewrites == null ? other.Rewrites == null : Rewrites.Same(other.Rewrites);
        }
    }
}
