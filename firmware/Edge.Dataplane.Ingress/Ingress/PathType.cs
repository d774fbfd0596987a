namespace Edge.Dataplane.Ingress
{
    /// <summary>
    /// An Ingress path's pathType (networking.k8s.io/v1 HTTPIngressPath), as it travels to a
    /// board. <see cref="Default"/> is not a pathType: it marks the route of an Ingress's
    /// spec.defaultBackend, taken when no rule matches.
    /// </summary>
    public static class PathType
    {
        public const byte Default = 0;

        /// <summary>The URL path, exactly and case-sensitively.</summary>
        public const byte Exact = 1;

        /// <summary>A URL path prefix split by '/', element by element (a trailing '/' in the rule ignored).</summary>
        public const byte Prefix = 2;

        /// <summary>Left to the controller: Edge matches it as Prefix, as ingress-nginx does without regular expressions.</summary>
        public const byte ImplementationSpecific = 3;

        public static bool IsValid(int value)
        {
            return value >= Default && value <= ImplementationSpecific;
        }
    }
}
