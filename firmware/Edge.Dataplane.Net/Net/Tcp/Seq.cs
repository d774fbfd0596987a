namespace Edge.Dataplane.Net.Tcp
{
    /// <summary>Sequence-number comparison modulo 2^32 (RFC 9293 §3.4): a is before b when (int)(a - b) &lt; 0.</summary>
    public static class Seq
    {
        public static bool Lt(uint a, uint b)
        {
            return (int)(a - b) < 0;
        }

        public static bool Le(uint a, uint b)
        {
            return (int)(a - b) <= 0;
        }

        public static bool Gt(uint a, uint b)
        {
            return (int)(a - b) > 0;
        }

        public static bool Ge(uint a, uint b)
        {
            return (int)(a - b) >= 0;
        }
    }
}
