// Array.Reverse is not in nanoFramework.
// expect: CS0117
class Probe
{
    static void Flip(byte[] b) => System.Array.Reverse(b);
}
