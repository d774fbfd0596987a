namespace Edge.Dataplane.Ingress
{
    /// <summary>
    /// ingress-nginx's regular-expression paths and <c>rewrite-target</c>, for the routes of the
    /// Ingresses that use them: per route its path compiled to a <see cref="PathPattern"/> program
    /// (null: the route matches by its path type), and what the path becomes on its way to the pod
    /// (null: as it came). As nginx's <c>rewrite</c>, the whole path is replaced by the target with
    /// <c>$1</c>-<c>$9</c> (and <c>$0</c>) taken from the match, and the request's query follows it
    /// (after <c>&amp;</c> when the target has a query of its own). Made only when a route has one.
    /// </summary>
    public sealed class RouteRewrites
    {
        public readonly byte[][] Programs;
        public readonly string[] Targets;

        /// <summary>The matcher the routes share, holding the groups of the last match.</summary>
        public readonly PathPattern Matcher = new PathPattern();

        public RouteRewrites(int routes)
        {
            Programs = new byte[routes][];
            Targets = new string[routes];
        }

        /// <summary>Whether both hold the same programs and targets.</summary>
        public bool Same(RouteRewrites other)
        {
            if (other == null || other.Programs.Length != Programs.Length)
            {
                return false;
            }

            for (int r = 0; r < Programs.Length; r++)
            {
                if (!RouteMatcher.SameString(Targets[r], other.Targets[r]) || !RouteMatcher.SameBytes(Programs[r], other.Programs[r]))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
