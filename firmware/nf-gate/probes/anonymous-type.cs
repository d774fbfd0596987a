// Anonymous types are generic classes underneath.
// expect: NF0004
class Probe
{
    static object Make() => new { Name = "web", Port = 80 };
}
