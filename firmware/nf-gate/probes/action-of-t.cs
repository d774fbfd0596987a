// Action<T> is generic too, even handed a lambda whose delegate type is never written at the call.
// expect: NF0006
class Probe
{
    static void Each(int[] values, System.Action<int> visit)
    {
        foreach (int v in values)
        {
            visit(v);
        }
    }

    static void Run() => Each(new[] { 1, 2 }, v => { });
}
