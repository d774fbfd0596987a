namespace Edge.Dataplane.Platform
{
    /// <summary>
    /// Where a board says what happens to it, a line at a time: the debug console on a board
    /// (its lines start "edge: "), a terminal for a virtual board, a list in a test.
    /// </summary>
    public interface ILog
    {
        void Write(string line);
    }
}
