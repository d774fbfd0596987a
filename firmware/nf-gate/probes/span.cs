// Span<T> and friends.
// expect: CS0234
class Probe
{
    static void Fill(byte[] buffer)
    {
        System.Span<byte> view = buffer;
        view.Clear();
    }
}
