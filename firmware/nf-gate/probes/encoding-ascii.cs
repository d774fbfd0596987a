// mscorlib has no System.Text: Encoding lives in nanoFramework.System.Text, which has UTF8 only.
// expect: CS0234
class Probe
{
    static byte[] Bytes(string s) => System.Text.Encoding.ASCII.GetBytes(s);
}
