namespace Edge.Dataplane.Platform
{
    /// <summary>
    /// A push button the board reads (a GPIO on a board, a fake in a test). Only the boot reads
    /// it, to let a board whose console is not wired forget its cluster
    /// (<c>Boards/ForgetButton</c>).
    /// </summary>
    public interface IButton
    {
        /// <summary>Waits <paramref name="waitMs"/> milliseconds (0: not at all), then tells whether the button is pressed.</summary>
        bool PressedAfter(int waitMs);
    }
}
