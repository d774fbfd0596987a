// A generic type of our own: compiles, but the 1.x runtime cannot load it.
// expect: NF0001
class Box<T>
{
    public T Value;
}
