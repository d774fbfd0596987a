using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Edge.Cli.Output;

/// <summary>
/// kubectl's JSONPath templates (`-o jsonpath='{.items[*].metadata.name}'`, as the Kubernetes
/// JSONPath support page describes them): text outside braces as it is; inside them a path from
/// the object (<c>.field</c>, <c>['field']</c>, <c>[N]</c> with negative N from the end,
/// <c>[*]</c>, <c>..field</c> recursive), a filter (<c>[?(@.type=="Ready")]</c> with == or !=
/// against a string or number), a string literal (<c>{"\n"}</c>), or
/// <c>{range PATH}…{end}</c> repeating its body for each result. Several results of one
/// expression print separated by spaces, as kubectl prints them.
/// </summary>
public static class JsonPathTemplate
{
    public static string Evaluate(string template, JsonNode? root)
    {
        var output = new StringBuilder();
        int at = 0;
        Render(template, ref at, [root], root, output, inRange: false);
        return output.ToString();
    }

    /// <summary>What one path (<c>.status.podIP</c>, <c>.spec.containers[*].name</c>) selects in <paramref name="root"/>, each as -o jsonpath prints it.</summary>
    public static List<string> Values(string path, JsonNode? root) => Select(path, [root], root).Select(Text).ToList();

    // Renders from `at` until the end, or an {end} when inside a range; `current` is what @ and relative paths start from.
    private static void Render(string template, ref int at, List<JsonNode?> current, JsonNode? root, StringBuilder output, bool inRange)
    {
        while (at < template.Length)
        {
            int open = template.IndexOf('{', at);
            if (open < 0)
            {
                output.Append(template, at, template.Length - at);
                at = template.Length;
                return;
            }

            output.Append(template, at, open - at);
            int close = Close(template, open);
            string expression = template[(open + 1)..close].Trim();
            at = close + 1;
            if (expression == "end")
            {
                if (!inRange)
                {
                    throw new FormatException("jsonpath: {end} without {range}");
                }

                return;
            }

            if (expression.StartsWith("range ", StringComparison.Ordinal))
            {
                List<JsonNode?> items = Select(expression[6..].Trim(), current, root);
                int bodyStart = at;
                if (items.Count == 0)
                {
                    var discard = new StringBuilder();
                    Render(template, ref at, [null], root, discard, inRange: true);
                }

                foreach (JsonNode? item in items)
                {
                    at = bodyStart;
                    Render(template, ref at, [item], root, output, inRange: true);
                }

                continue;
            }

            if (expression.Length >= 2 && expression[0] == '"' && expression[^1] == '"')
            {
                output.Append(Unquote(expression));
                continue;
            }

            output.Append(string.Join(" ", Select(expression, current, root).Select(Text)));
        }

        if (inRange)
        {
            throw new FormatException("jsonpath: {range} without {end}");
        }
    }

    private static int Close(string template, int open)
    {
        bool quoted = false;
        for (int i = open + 1; i < template.Length; i++)
        {
            if (template[i] == '"' && template[i - 1] != '\\')
            {
                quoted = !quoted;
            }
            else if (template[i] == '}' && !quoted)
            {
                return i;
            }
        }

        throw new FormatException($"jsonpath: unclosed {{ at {open}");
    }

    /// <summary>The nodes a path selects: from the root with $, else from each current node.</summary>
    private static List<JsonNode?> Select(string path, List<JsonNode?> current, JsonNode? root)
    {
        List<JsonNode?> nodes = path.StartsWith('$') ? [root] : [.. current];
        int i = path.StartsWith('$') ? 1 : path.StartsWith('@') ? 1 : 0;
        while (i < path.Length)
        {
            if (path[i] == '.' && i + 1 < path.Length && path[i + 1] == '.')
            {
                int end = NameEnd(path, i + 2);
                string name = Unescaped(path[(i + 2)..end]);
                nodes = nodes.SelectMany(n => Descendants(n)).Select(n => (n as JsonObject)?[name]).Where(n => n != null).ToList();
                i = end;
            }
            else if (path[i] == '.')
            {
                int end = NameEnd(path, i + 1);
                string name = Unescaped(path[(i + 1)..end]);
                if (name.Length > 0)
                {
                    nodes = nodes.Select(n => n is JsonObject o && o.TryGetPropertyValue(name, out JsonNode? v) ? (v, true) : (null, false))
                        .Where(x => x.Item2).Select(x => x.Item1).ToList();
                }

                i = end;
            }
            else if (path[i] == '[')
            {
                int end = path.IndexOf(']', i);
                if (end < 0)
                {
                    throw new FormatException($"jsonpath: unclosed [ in {path}");
                }

                string inside = path[(i + 1)..end].Trim();
                if (inside.StartsWith("?(", StringComparison.Ordinal))
                {
                    end = path.IndexOf(")]", i, StringComparison.Ordinal) + 1;
                    nodes = nodes.SelectMany(Children).Where(n => Matches(path[(i + 3)..(end - 1)], n, root)).ToList();
                }
                else if (inside == "*")
                {
                    nodes = nodes.SelectMany(Children).ToList();
                }
                else if (inside.Length > 1 && inside[0] == '\'' && inside[^1] == '\'')
                {
                    string name = inside[1..^1];
                    nodes = nodes.Select(n => (n as JsonObject)?[name]).Where(n => n != null).ToList();
                }
                else if (int.TryParse(inside, NumberStyles.Integer, CultureInfo.InvariantCulture, out int index))
                {
                    nodes = nodes.Select(n => n is JsonArray a && (index < 0 ? a.Count + index : index) is int k && k >= 0 && k < a.Count ? a[k] : null)
                        .Where(n => n != null).ToList();
                }
                else
                {
                    throw new FormatException($"jsonpath: cannot read [{inside}] (supported: [N], [*], ['name'], [?(@.field==value)])");
                }

                i = end + 1;
            }
            else
            {
                throw new FormatException($"jsonpath: unexpected '{path[i]}' in {path}");
            }
        }

        return nodes;
    }

    private static string Unescaped(string name) => name.Replace("\\.", ".", StringComparison.Ordinal);

    private static int NameEnd(string path, int from)
    {
        int end = from;
        while (end < path.Length && path[end] != '.' && path[end] != '[')
        {
            end += path[end] == '\\' && end + 1 < path.Length ? 2 : 1; // kubectl's escaped dot: annotations.kubectl\.kubernetes\.io/restartedAt
        }

        return end;
    }

    private static IEnumerable<JsonNode?> Children(JsonNode? node) => node switch
    {
        JsonArray a => a,
        JsonObject o => o.Select(p => p.Value),
        _ => [],
    };

    private static IEnumerable<JsonNode?> Descendants(JsonNode? node)
    {
        yield return node;
        foreach (JsonNode? child in Children(node))
        {
            foreach (JsonNode? d in Descendants(child))
            {
                yield return d;
            }
        }
    }

    // A filter's condition: @.path == literal, @.path != literal, or @.path alone (present).
    private static bool Matches(string condition, JsonNode? node, JsonNode? root)
    {
        string op = condition.Contains("!=") ? "!=" : condition.Contains("==") ? "==" : "";
        if (op.Length == 0)
        {
            return Select(condition.Trim(), [node], root).Count > 0;
        }

        string[] sides = condition.Split(op, 2);
        string literal = sides[1].Trim();
        literal = literal.Length >= 2 && (literal[0] is '"' or '\'') ? literal[1..^1] : literal;
        bool equal = Select(sides[0].Trim(), [node], root).Any(v => Text(v) == literal);
        return op == "==" ? equal : !equal;
    }

    private static string Text(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => node.ToJsonString(),
    };

    private static string Unquote(string literal) =>
        literal[1..^1].Replace("\\n", "\n", StringComparison.Ordinal).Replace("\\t", "\t", StringComparison.Ordinal).Replace("\\\"", "\"", StringComparison.Ordinal);
}
