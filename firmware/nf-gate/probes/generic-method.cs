// A generic method of our own.
// expect: NF0001
class Probe
{
    static T Identity<T>(T value) => value;
}
