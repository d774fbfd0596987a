// Func<> is generic: mscorlib 1.17 declares it, and nanoCLR crashes loading code that uses it.
// expect: NF0006
class Probe
{
    static System.Func<int> answer = () => 42;
}
