namespace Edge.Cli.Output;

/// <summary>kubectl's table: left-aligned columns three spaces apart, no borders, so `awk` and `grep` work on it.</summary>
public static class TextTable
{
    /// <summary>Writes the table; every line starts with <paramref name="indent"/> (describe nests tables under a heading).</summary>
    public static void Write(TextWriter output, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, string indent = "", bool withHeaders = true)
    {
        var all = withHeaders ? new List<IReadOnlyList<string>> { headers } : new List<IReadOnlyList<string>>();
        all.AddRange(rows);
        int[] widths = new int[headers.Count];
        foreach (IReadOnlyList<string> row in all)
        {
            for (int i = 0; i < widths.Length && i < row.Count; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        foreach (IReadOnlyList<string> row in all)
        {
            var line = new System.Text.StringBuilder();
            for (int i = 0; i < widths.Length; i++)
            {
                string cell = i < row.Count ? row[i] : "";
                line.Append(i == widths.Length - 1 ? cell : cell.PadRight(widths[i] + 3));
            }

            output.WriteLine(indent + line.ToString().TrimEnd());
        }
    }
}
