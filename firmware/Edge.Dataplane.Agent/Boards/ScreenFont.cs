namespace Edge.Dataplane.Boards
{
    /// <summary>
    /// The status screen's 5x7 font in 8x8 cells, for the characters a node's screen shows:
    /// lowercase letters (names are DNS labels), digits and a few marks. Each glyph is drawn
    /// below as 8 rows of 5 columns ('#' lit), baseline on row 6, descenders on row 7. The
    /// drawings are string literals, which nanoFramework keeps in flash: the font costs the
    /// heap nothing until a row is asked for. Uppercase letters are drawn as lowercase; any
    /// other character as '?'.
    /// </summary>
    public static class ScreenFont
    {
        public const int Width = 8;
        public const int Height = 8;
        private const int GlyphColumns = 5;
        private const int LeftMargin = 1; // columns 1-5 of the cell: a blank column on the left, two on the right

        /// <summary>
        /// Fills <paramref name="rows"/> (8 bytes) with the glyph's rows as an SSD13xx font wants
        /// them: one byte per row, bit 0 the leftmost pixel.
        /// </summary>
        public static void Rows(char c, byte[] rows)
        {
            string art = Art(c);
            for (int row = 0; row < Height; row++)
            {
                int bits = 0;
                for (int column = 0; column < GlyphColumns; column++)
                {
                    if (art[(row * (GlyphColumns + 1)) + column] == '#')
                    {
                        bits |= 1 << (LeftMargin + column);
                    }
                }

                rows[row] = (byte)bits;
            }
        }

        /// <summary>Whether the font draws this character as itself (not as '?').</summary>
        public static bool Has(char c)
        {
            return c == '?' || Art(c) != Unknown;
        }

        // '?', for any character the font does not draw.
        private const string Unknown = ".###. #...# ....# ...#. ..#.. ..... ..#.. .....";

        // Eight rows of five columns, a space between rows: a glyph reads as it is drawn.
        private static string Art(char c)
        {
            if (c >= 'A' && c <= 'Z')
            {
                c = (char)(c - 'A' + 'a');
            }

            switch (c)
            {
                case ' ': return "..... ..... ..... ..... ..... ..... ..... .....";
                case 'a': return "..... ..... .###. ....# .#### #...# .#### .....";
                case 'b': return "#.... #.... #.##. ##..# #...# #...# ####. .....";
                case 'c': return "..... ..... .###. #.... #.... #...# .###. .....";
                case 'd': return "....# ....# .##.# #..## #...# #...# .#### .....";
                case 'e': return "..... ..... .###. #...# ##### #.... .###. .....";
                case 'f': return "..##. .#..# .#... ###.. .#... .#... .#... .....";
                case 'g': return "..... ..... .#### #...# #...# .#### ....# .###.";
                case 'h': return "#.... #.... #.##. ##..# #...# #...# #...# .....";
                case 'i': return "..#.. ..... .##.. ..#.. ..#.. ..#.. .###. .....";
                case 'j': return "...#. ..... ..##. ...#. ...#. ...#. #..#. .##..";
                case 'k': return "#.... #.... #..#. #.#.. ##... #.#.. #..#. .....";
                case 'l': return ".##.. ..#.. ..#.. ..#.. ..#.. ..#.. .###. .....";
                case 'm': return "..... ..... ##.#. #.#.# #.#.# #...# #...# .....";
                case 'n': return "..... ..... #.##. ##..# #...# #...# #...# .....";
                case 'o': return "..... ..... .###. #...# #...# #...# .###. .....";
                case 'p': return "..... ..... ####. #...# #...# ####. #.... #....";
                case 'q': return "..... ..... .##.# #..## #...# .#### ....# ....#";
                case 'r': return "..... ..... #.##. ##..# #.... #.... #.... .....";
                case 's': return "..... ..... .###. #.... .###. ....# ####. .....";
                case 't': return ".#... .#... ###.. .#... .#... .#..# ..##. .....";
                case 'u': return "..... ..... #...# #...# #...# #..## .##.# .....";
                case 'v': return "..... ..... #...# #...# #...# .#.#. ..#.. .....";
                case 'w': return "..... ..... #...# #...# #.#.# #.#.# .#.#. .....";
                case 'x': return "..... ..... #...# .#.#. ..#.. .#.#. #...# .....";
                case 'y': return "..... ..... #...# #...# #...# .#### ....# .###.";
                case 'z': return "..... ..... ##### ...#. ..#.. .#... ##### .....";
                case '0': return ".###. #...# #..## #.#.# ##..# #...# .###. .....";
                case '1': return "..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###. .....";
                case '2': return ".###. #...# ....# ...#. ..#.. .#... ##### .....";
                case '3': return "##### ...#. ..#.. ...#. ....# #...# .###. .....";
                case '4': return "...#. ..##. .#.#. #..#. ##### ...#. ...#. .....";
                case '5': return "##### #.... ####. ....# ....# #...# .###. .....";
                case '6': return "..##. .#... #.... ####. #...# #...# .###. .....";
                case '7': return "##### ....# ...#. ..#.. .#... .#... .#... .....";
                case '8': return ".###. #...# #...# .###. #...# #...# .###. .....";
                case '9': return ".###. #...# #...# .#### ....# ...#. .##.. .....";
                case '.': return "..... ..... ..... ..... ..... .##.. .##.. .....";
                case ',': return "..... ..... ..... ..... ..... .##.. ..#.. .#...";
                case '-': return "..... ..... ..... ##### ..... ..... ..... .....";
                case '_': return "..... ..... ..... ..... ..... ..... ##### .....";
                case ':': return "..... .##.. .##.. ..... .##.. .##.. ..... .....";
                case '/': return "....# ....# ...#. ..#.. .#... #.... #.... .....";
                case '+': return "..... ..#.. ..#.. ##### ..#.. ..#.. ..... .....";
                case '*': return "..... ..#.. #.#.# .###. #.#.# ..#.. ..... .....";
                case '(': return "...#. ..#.. .#... .#... .#... ..#.. ...#. .....";
                case ')': return ".#... ..#.. ...#. ...#. ...#. ..#.. .#... .....";
                case '%': return "##... ##..# ...#. ..#.. .#... #..## ...## .....";
                case '=': return "..... ..... ##### ..... ##### ..... ..... .....";
                case '!': return "..#.. ..#.. ..#.. ..#.. ..#.. ..... ..#.. .....";
                case '>': return ".#... ..#.. ...#. ....# ...#. ..#.. .#... .....";
                case '<': return "...#. ..#.. .#... #.... .#... ..#.. ...#. .....";
                case '[': return ".###. .#... .#... .#... .#... .#... .###. .....";
                case '~': return "..... ..... .#... #.#.# ...#. ..... ..... .....";
                case ']': return ".###. ...#. ...#. ...#. ...#. ...#. .###. .....";
                default: return Unknown;
            }
        }
    }
}
