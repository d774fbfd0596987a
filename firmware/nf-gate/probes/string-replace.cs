// string.Replace is not in nanoFramework.
// expect: CS1061
class Probe
{
    static string Dashes(string s) => s.Replace(" ", "-");
}
