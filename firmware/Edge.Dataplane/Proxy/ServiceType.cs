namespace Edge.Dataplane.Proxy
{
    /// <summary>Kubernetes Service types (spec.type) as the dataplane sees them.</summary>
    public static class ServiceType
    {
        public const int ClusterIP = 0;
        public const int NodePort = 1;
        public const int LoadBalancer = 2;
        public const int ExternalName = 3;

        private static readonly string[] Names = { "ClusterIP", "NodePort", "LoadBalancer", "ExternalName" };

        public static string Name(int type)
        {
            return type >= 0 && type < Names.Length ? Names[type] : "Unknown";
        }
    }
}
