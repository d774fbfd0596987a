using Edge.Dataplane.Boards;
using Iot.Device.Ssd13xx;

namespace Edge.Firmware.Platform
{
    /// <summary>
    /// <see cref="ScreenFont"/> as the SSD13xx driver asks for a font: 8x8 cells, one glyph at a
    /// time. The driver copies each glyph's rows out before it asks for the next, so one 8-byte
    /// buffer serves every character (nothing allocated per character drawn).
    /// </summary>
    public sealed class ScreenGlyphs : IFont
    {
        private readonly byte[] _rows = new byte[ScreenFont.Height];

        public override byte Width
        {
            get { return ScreenFont.Width; }
        }

        public override byte Height
        {
            get { return ScreenFont.Height; }
        }

        public override byte[] this[char character]
        {
            get
            {
                ScreenFont.Rows(character, _rows);
                return _rows;
            }
        }
    }
}
