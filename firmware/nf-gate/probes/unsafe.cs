// Pointers.
// expect: CS0227
class Probe
{
    static unsafe int Read(byte* p) => *p;
}
