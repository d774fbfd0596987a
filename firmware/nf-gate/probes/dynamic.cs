// dynamic needs the runtime binder.
// expect: CS1980
class Probe
{
    static object Twice(dynamic d) => d + d;
}
