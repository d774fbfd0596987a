namespace Edge.Dataplane.Ingress
{
    /// <summary>
    /// The HTTP routes a board serves, compiled by the host from every Ingress of Edge's class:
    /// one route per (host, path) of a rule, and one per defaultBackend, each naming the
    /// backend Service port it proxies to. Which Ingress a route came from the host knows (by
    /// the route's index, as it knows policies'); a board does not hold the names. Hosts are kept lower case ("" for a rule without
    /// host; a wildcard as "*.example.com"); named service ports are already resolved to
    /// numbers, or 0 where the Service or its port name does not exist (the board answers 503
    /// for it, as for a Service without endpoints). Filled once through <see cref="Add"/> (decode), read by <see cref="RouteMatcher"/>.
    /// </summary>
    public sealed class IngressRoutes
    {
        public readonly string[] Hosts;
        public readonly string[] Paths;
        public readonly byte[] PathTypes;
        public readonly string[] Namespaces;
        public readonly string[] ServiceNames;
        public readonly ushort[] ServicePorts;

        public int Count;

        /// <summary>The routes' allowlists and canaries; null when no Ingress asks for either.</summary>
        public RouteAnnotations Annotations;

        public IngressRoutes(int capacity)
        {
            Hosts = new string[capacity];
            Paths = new string[capacity];
            PathTypes = new byte[capacity];
            Namespaces = new string[capacity];
            ServiceNames = new string[capacity];
            ServicePorts = new ushort[capacity];
        }

        public int Capacity
        {
            get { return Hosts.Length; }
        }

        /// <summary>Adds a route; false when the set is full or the route is not one a board can match.</summary>
        public bool Add(string host, string path, byte pathType, string ns, string service, ushort port)
        {
            if (Count == Hosts.Length || host == null || path == null || ns == null || service == null
                || !PathType.IsValid(pathType) || (pathType != PathType.Default && (path.Length == 0 || path[0] != '/')))
            {
                return false;
            }

            Hosts[Count] = host;
            Paths[Count] = path;
            PathTypes[Count] = pathType;
            Namespaces[Count] = ns;
            ServiceNames[Count] = service;
            ServicePorts[Count] = port;
            Count++;
            return true;
        }

        public static bool IsWildcard(string host)
        {
            return host.Length > 2 && host[0] == '*' && host[1] == '.';
        }

        /// <summary>Whether <paramref name="other"/> holds exactly these routes, in this order.</summary>
        public bool SameRoutes(IngressRoutes other)
        {
            if (other == null || other.Count != Count)
            {
                return false;
            }

            for (int i = 0; i < Count; i++)
            {
                if (Hosts[i] != other.Hosts[i] || Paths[i] != other.Paths[i] || PathTypes[i] != other.PathTypes[i]
                    || Namespaces[i] != other.Namespaces[i] || ServiceNames[i] != other.ServiceNames[i]
                    || ServicePorts[i] != other.ServicePorts[i])
                {
                    return false;
                }
            }

            return Annotations == null ? other.Annotations == null : Annotations.Same(other.Annotations, Count);
        }
    }
}
