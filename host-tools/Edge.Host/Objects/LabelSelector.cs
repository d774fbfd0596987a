using System.Text.Json.Nodes;

namespace Edge.Host.Objects;

/// <summary>
/// A Kubernetes label selector: the `-l` text form ("app=web,tier!=db,env in (a,b),!legacy")
/// or the object form of Deployments and NetworkPolicies (matchLabels, matchExpressions).
/// Every requirement must hold; an empty selector matches everything.
/// </summary>
public sealed class LabelSelector
{
    private readonly List<Requirement> _requirements;

    private LabelSelector(List<Requirement> requirements) => _requirements = requirements;

    public static LabelSelector Everything { get; } = new([]);

    public bool IsEmpty => _requirements.Count == 0;

    public bool Matches(IReadOnlyDictionary<string, string> labels) => _requirements.All(r => r.Matches(labels));

    /// <summary>Parses the text form; the error says which requirement is wrong and what one looks like.</summary>
    public static LabelSelector Parse(string text)
    {
        var requirements = new List<Requirement>();
        foreach (string part in SplitTopLevel(text))
        {
            requirements.Add(ParseRequirement(part.Trim()));
        }

        return new LabelSelector(requirements);
    }

    /// <summary>The object form; a selector that is missing matches nothing (as a Service without a selector has no endpoints).</summary>
    public static LabelSelector? FromJson(JsonNode? selector)
    {
        if (selector is not JsonObject obj)
        {
            return null;
        }

        var requirements = new List<Requirement>();
        if (obj["matchLabels"] is JsonObject matchLabels)
        {
            foreach (var (key, value) in matchLabels)
            {
                requirements.Add(new Requirement(key, Operator.Equals, [(string?)value ?? ""]));
            }
        }

        if (obj["matchExpressions"] is JsonArray expressions)
        {
            foreach (JsonNode? e in expressions)
            {
                string key = (string?)e?["key"] ?? "";
                string[] values = (e?["values"] as JsonArray)?.Select(v => (string?)v ?? "").ToArray() ?? [];
                Operator op = ((string?)e?["operator"]) switch
                {
                    "In" => Operator.In,
                    "NotIn" => Operator.NotIn,
                    "Exists" => Operator.Exists,
                    "DoesNotExist" => Operator.DoesNotExist,
                    var other => throw new FormatException($"matchExpressions: operator \"{other}\": use In, NotIn, Exists or DoesNotExist"),
                };
                requirements.Add(new Requirement(key, op, values));
            }
        }

        // A Service selector is a plain map: {app: web}.
        if (obj["matchLabels"] == null && obj["matchExpressions"] == null)
        {
            foreach (var (key, value) in obj)
            {
                requirements.Add(new Requirement(key, Operator.Equals, [(string?)value ?? ""]));
            }
        }

        return new LabelSelector(requirements);
    }

    public override string ToString() => string.Join(",", _requirements);

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        int depth = 0, start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            depth += text[i] == '(' ? 1 : text[i] == ')' ? -1 : 0;
            if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }

        if (text.Trim().Length > 0 || start > 0)
        {
            yield return text[start..];
        }
    }

    private static Requirement ParseRequirement(string part)
    {
        FormatException Bad(string why) => new(
            $"unable to parse requirement \"{part}\": {why} (selectors look like app=web, tier!=db, env in (a,b), env notin (c), legacy, !legacy)");

        if (part.Length == 0)
        {
            throw Bad("it is empty");
        }

        if (part.StartsWith('!'))
        {
            return new Requirement(CheckKey(part[1..].Trim(), Bad), Operator.DoesNotExist, []);
        }

        int paren = part.IndexOf('(');
        if (paren > 0)
        {
            string[] words = part[..paren].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length != 2 || words[1] is not ("in" or "notin") || !part.EndsWith(')'))
            {
                throw Bad("a set needs a key, 'in' or 'notin', and values in parentheses");
            }

            string[] values = part[(paren + 1)..^1].Split(',').Select(v => v.Trim()).Where(v => v.Length > 0).ToArray();
            return new Requirement(CheckKey(words[0], Bad), words[1] == "in" ? Operator.In : Operator.NotIn, values);
        }

        foreach (var (symbol, op) in new[] { ("!=", Operator.NotEquals), ("==", Operator.Equals), ("=", Operator.Equals) })
        {
            int at = part.IndexOf(symbol, StringComparison.Ordinal);
            if (at >= 0)
            {
                string value = part[(at + symbol.Length)..].Trim();
                if (value.Contains('=') || value.Contains(' '))
                {
                    throw Bad($"\"{value}\" is not a label value");
                }

                return new Requirement(CheckKey(part[..at].Trim(), Bad), op, [value]);
            }
        }

        return new Requirement(CheckKey(part, Bad), Operator.Exists, []);
    }

    private static string CheckKey(string key, Func<string, FormatException> bad)
    {
        if (key.Length == 0 || key.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/')))
        {
            throw bad($"\"{key}\" is not a label key");
        }

        return key;
    }

    private enum Operator
    {
        Equals,
        NotEquals,
        In,
        NotIn,
        Exists,
        DoesNotExist,
    }

    private sealed record Requirement(string Key, Operator Op, string[] Values)
    {
        // As Kubernetes: != and notin also match objects that lack the label.
        public bool Matches(IReadOnlyDictionary<string, string> labels)
        {
            bool has = labels.TryGetValue(Key, out string? value);
            return Op switch
            {
                Operator.Equals or Operator.In => has && Values.Contains(value),
                Operator.NotEquals or Operator.NotIn => !has || !Values.Contains(value),
                Operator.Exists => has,
                _ => !has,
            };
        }

        public override string ToString() => Op switch
        {
            Operator.Equals => $"{Key}={Values[0]}",
            Operator.NotEquals => $"{Key}!={Values[0]}",
            Operator.In => $"{Key} in ({string.Join(",", Values)})",
            Operator.NotIn => $"{Key} notin ({string.Join(",", Values)})",
            Operator.Exists => Key,
            _ => "!" + Key,
        };
    }
}
