// stackalloc needs Span<T> or unsafe code.
// expect: CS0518
class Probe
{
    static int Sum()
    {
        System.Span<byte> scratch = stackalloc byte[16];
        return scratch.Length;
    }
}
