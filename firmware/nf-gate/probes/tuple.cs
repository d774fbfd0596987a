// Tuples need System.ValueTuple.
// expect: CS8179
class Probe
{
    static (int, int) Pair() => (1, 2);
}
