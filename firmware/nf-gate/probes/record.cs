// Records synthesise IEquatable<T> and EqualityComparer<T>.
// expect: CS0518
record Point(int X, int Y);
