// A board has no Console.ReadLine.
// expect: CS0117
class Probe
{
    static string Ask() => System.Console.ReadLine();
}
