using System.Text;

namespace Edge.Host.Printing;

/// <summary>
/// Go's text/tabwriter as kubectl's describers set it up (padding 2, spaces, no flags), so a
/// description lines up exactly as kubectl's does. Lines are written with tabs ending cells; a
/// column is as wide as its widest cell plus two, over a block of consecutive lines that all
/// have a cell in it (a line with fewer tabs ends the block). The text after a line's last tab
/// belongs to no column. As in Go, padded cells keep their trailing spaces, even at a line's end.
/// </summary>
public sealed class TabbedText(TextWriter output)
{
    private const int Padding = 2;
    private readonly List<string[]> _lines = [];

    /// <summary>One line, its cells ended by tabs.</summary>
    public void Line(string text) => _lines.Add(text.Split('\t'));

    /// <summary>Writes what is buffered, aligned; what follows starts new blocks (kubectl flushes before its events table).</summary>
    public void Flush()
    {
        var text = new StringBuilder();
        Format(text, 0, _lines.Count, []);
        output.Write(text.ToString());
        _lines.Clear();
    }

    // Go's tabwriter.format: find each block of lines that has a cell in this column, size the
    // column over the block, then format the next column within it.
    private void Format(StringBuilder text, int line0, int line1, List<int> widths)
    {
        int column = widths.Count;
        for (int at = line0; at < line1; at++)
        {
            if (column >= _lines[at].Length - 1)
            {
                continue;
            }

            WriteLines(text, line0, at, widths);
            line0 = at;
            int width = 0;
            for (; at < line1 && column < _lines[at].Length - 1; at++)
            {
                width = Math.Max(width, _lines[at][column].Length + Padding);
            }

            widths.Add(width);
            Format(text, line0, at, widths);
            widths.RemoveAt(widths.Count - 1);
            line0 = at;
        }

        WriteLines(text, line0, line1, widths);
    }

    private void WriteLines(StringBuilder text, int line0, int line1, List<int> widths)
    {
        for (int i = line0; i < line1; i++)
        {
            string[] cells = _lines[i];
            for (int j = 0; j < cells.Length; j++)
            {
                text.Append(j < widths.Count ? cells[j].PadRight(widths[j]) : cells[j]);
            }

            text.Append(output.NewLine);
        }
    }
}
