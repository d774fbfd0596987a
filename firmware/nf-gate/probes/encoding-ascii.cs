// nanoFramework.System.Text has UTF8 only.
// expect: CS0117
class Probe
{
    static byte[] Bytes(string s) => System.Text.Encoding.ASCII.GetBytes(s);
}
