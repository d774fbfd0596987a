#nullable disable
using Edge.Dataplane.Platform;

namespace Edge.NanoClr.Programs
{
    /// <summary>A display in memory: the lines being drawn, and the picture last shown.</summary>
    public sealed class MemoryDisplay : IDisplay
    {
        private readonly string[] _drawing = new string[8];

        public readonly string[] Shown = new string[8];
        public long Pictures;

        public void DrawLine(int row, string text)
        {
            _drawing[row] = text;
        }

        public void Show()
        {
            for (int i = 0; i < Shown.Length; i++)
            {
                Shown[i] = _drawing[i];
            }

            Pictures++;
        }
    }
}
