// Index and Range need System.Index/System.Range.
// expect: CS0518
class Probe
{
    static int Last(int[] values) => values[^1];
}
