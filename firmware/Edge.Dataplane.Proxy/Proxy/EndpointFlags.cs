namespace Edge.Dataplane.Proxy
{
    /// <summary>An endpoint's conditions (EndpointSlice ready/serving/terminating) and whether it runs on this node.</summary>
    public static class EndpointFlags
    {
        public const byte Ready = 0x01;
        public const byte Serving = 0x02;
        public const byte Terminating = 0x04;

        /// <summary>On this node: what internal/externalTrafficPolicy Local keeps.</summary>
        public const byte Local = 0x08;
    }
}
