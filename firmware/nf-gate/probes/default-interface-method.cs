// Default interface methods throw at run time on nanoFramework.
// expect: NF0003
interface IProbe
{
    int Answer() => 42;
}
