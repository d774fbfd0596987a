// DateTimeOffset does not exist on nanoFramework.
// expect: CS0234
class Probe
{
    static System.DateTimeOffset Now() => System.DateTimeOffset.UtcNow;
}
