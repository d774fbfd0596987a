#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
namespace Edge.Dataplane.NfTests.Sim
{
    /// <summary>Bytes written as hex in a test's source (captures of real peers' packets).</summary>
    public static class Hex
    {
        public static byte[] Bytes(string hex)
        {
            byte[] b = new byte[hex.Length / 2];
            for (int i = 0; i < b.Length; i++)
            {
                b[i] = (byte)((Nibble(hex[2 * i]) << 4) | Nibble(hex[2 * i + 1]));
            }

            return b;
        }

        private static int Nibble(char c)
        {
            return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
        }
    }
}
