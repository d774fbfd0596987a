// Func<> is generic.
// expect: CS0234
class Probe
{
    static System.Func<int> answer = () => 42;
}
