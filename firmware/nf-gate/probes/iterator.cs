// yield builds a compiler-generated generic enumerator.
// expect: NF0005
class Probe
{
    static System.Collections.IEnumerable Numbers()
    {
        yield return 1;
    }
}
