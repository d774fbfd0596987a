// A generic collection from the full framework.
// expect: CS0246
using System.Collections.Generic;

class Probe
{
    List<int> items = new List<int>();
}
