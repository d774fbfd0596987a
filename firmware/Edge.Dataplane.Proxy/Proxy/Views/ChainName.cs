namespace Edge.Dataplane.Proxy.Views
{
    /// <summary>
    /// Chain names in kube-proxy's shape, "KUBE-SVC-" plus 16 base32 characters of a hash of
    /// the service port name and protocol (kube-proxy hashes with SHA-256; Edge with 64-bit
    /// FNV-1a, so the names differ from a Linux node's but are just as stable).
    /// </summary>
    public static class ChainName
    {
        private const string Base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

        public static string Of(string prefix, string key)
        {
            ulong hash = 14695981039346656037UL;
            for (int i = 0; i < key.Length; i++)
            {
                hash ^= key[i];
                hash *= 1099511628211UL;
            }

            char[] name = new char[16];
            for (int i = 0; i < 16; i++)
            {
                // 64 bits give 12 full characters; mix the tail back in for the last four.
                name[i] = Base32[(int)((hash >> ((i * 5) % 60)) & 31) ^ (i >= 12 ? i : 0)];
            }

            return prefix + new string(name);
        }
    }
}
