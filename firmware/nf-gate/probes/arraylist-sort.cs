// nanoFramework ArrayList has no Sort.
// expect: CS1061
class Probe
{
    static void Order(System.Collections.ArrayList list) => list.Sort();
}
