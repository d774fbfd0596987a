// string.Join is not in nanoFramework.
// expect: CS0117
class Probe
{
    static string Csv(string[] parts) => string.Join(",", parts);
}
