// LINQ over an array.
// expect: CS0234
using System.Linq;

class Probe
{
    static int Count(int[] values) => values.Where(v => v > 0).Count();
}
