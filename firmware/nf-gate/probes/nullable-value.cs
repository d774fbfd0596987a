// int? is Nullable<int>.
// expect: CS0518
class Probe
{
    int? port = null;
}
