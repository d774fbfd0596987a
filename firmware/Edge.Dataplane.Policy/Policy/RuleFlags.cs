namespace Edge.Dataplane.Policy
{
    /// <summary>What a compiled rule is: its direction, and whether it leaves peers or ports open.</summary>
    public static class RuleFlags
    {
        /// <summary>An egress rule (`to`); without it an ingress rule (`from`).</summary>
        public const byte Egress = 1;

        /// <summary>`from`/`to` missing or empty: every peer, outside the cluster too.</summary>
        public const byte AnyPeer = 2;

        /// <summary>`ports` missing or empty: every port of every protocol.</summary>
        public const byte AnyPort = 4;
    }
}
