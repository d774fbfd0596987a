using System.Text.Json.Nodes;

namespace Edge.Cli.Output;

/// <summary>
/// kubectl's <c>-o custom-columns=HEADER:PATH,...</c> (and <c>custom-columns-file=FILE</c>: a
/// line of headers, then a line of paths): one column per spec, its cells what the JSONPath
/// selects in each object (<c>.metadata.name</c>, with or without braces or the leading dot;
/// several results joined by commas; nothing: <c>&lt;none&gt;</c>), as kubectl prints them.
/// </summary>
public sealed class CustomColumns
{
    private readonly List<(string Header, string Path)> _columns;

    private CustomColumns(List<(string Header, string Path)> columns) => _columns = columns;

    public IReadOnlyList<string> Headers => _columns.Select(c => c.Header).ToList();

    /// <summary>The columns of a spec; FormatException in kubectl's words for one it would refuse.</summary>
    public static CustomColumns Parse(string spec)
    {
        if (spec.Length == 0)
        {
            throw new FormatException("custom-columns format specified but no custom columns given");
        }

        var columns = new List<(string, string)>();
        foreach (string column in spec.Split(','))
        {
            int colon = column.IndexOf(':');
            if (colon <= 0)
            {
                throw new FormatException($"unexpected custom-columns spec: {column}, expected <header>:<json-path-expr>");
            }

            columns.Add((column[..colon], Relaxed(column[(colon + 1)..])));
        }

        return new CustomColumns(columns);
    }

    /// <summary>A columns file: headers on the first line, their paths on the second, each separated by spaces.</summary>
    public static CustomColumns ParseFile(string text)
    {
        string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length != 2)
        {
            throw new FormatException($"expected two lines (the headers, then their JSONPaths), found {lines.Length}");
        }

        string[] headers = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string[] paths = lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (headers.Length != paths.Length)
        {
            throw new FormatException($"number of headers ({headers.Length}) does not match number of paths ({paths.Length})");
        }

        return new CustomColumns(headers.Zip(paths, (h, p) => (h, Relaxed(p))).ToList());
    }

    public string[] Cells(JsonNode obj) => _columns.Select(c =>
    {
        List<string> values = JsonPathTemplate.Values(c.Path, obj);
        return values.Count == 0 ? "<none>" : string.Join(",", values);
    }).ToArray();

    // kubectl's relaxed form: {.a.b}, .a.b and a.b all mean .a.b.
    private static string Relaxed(string path)
    {
        string p = path.Trim();
        if (p.StartsWith('{') && p.EndsWith('}'))
        {
            p = p[1..^1];
        }

        return p.StartsWith('.') || p.StartsWith('$') ? p : "." + p;
    }
}
