namespace Edge.Dataplane.Policy
{
    /// <summary>A NetworkPolicy's policyTypes, as bits: which directions it isolates the pods it selects in.</summary>
    public static class PolicyTypes
    {
        public const byte Ingress = 1;
        public const byte Egress = 2;
    }
}
