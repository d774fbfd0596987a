namespace Edge.Dataplane.Platform
{
    /// <summary>
    /// A small text display: 8 lines of 16 characters on a board's 128x64 SSD1306. The board
    /// loop lays the lines out (<c>Boards/StatusScreen</c>) and draws only when they changed.
    /// </summary>
    public interface IDisplay
    {
        /// <summary>Draws one whole line (its spaces clear what was there) into the picture being made.</summary>
        void DrawLine(int row, string text);

        /// <summary>Shows the lines drawn since the last call.</summary>
        void Show();
    }
}
