namespace Edge.Dataplane.Proxy
{
    /// <summary>Kubernetes Service types (spec.type) as the dataplane sees them.</summary>
    public static class ServiceType
    {
        public const int ClusterIP = 0;
        public const int NodePort = 1;
        public const int LoadBalancer = 2;
        public const int ExternalName = 3;

        // A switch, not a static array: the names stay in flash instead of an array on the heap.
        private static string NameAt(int i)
        {
            switch (i)
            {
                case 0: return "ClusterIP";
                case 1: return "NodePort";
                case 2: return "LoadBalancer";
                case 3: return "ExternalName";
                default: return null;
            }
        }

        public static string Name(int type)
        {
            return NameAt(type) ?? "Unknown";
        }
    }
}
