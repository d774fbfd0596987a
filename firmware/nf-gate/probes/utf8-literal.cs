// u8 literals are ReadOnlySpan<byte>.
// expect: CS0518
class Probe
{
    static int Length() => "GET"u8.Length;
}
