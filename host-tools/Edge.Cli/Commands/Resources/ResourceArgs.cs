using System.CommandLine;
using Edge.Host.Objects;

namespace Edge.Cli.Commands.Resources;

/// <summary>The shared pieces of the resource verbs: kinds as kubectl spells them, and the namespace in effect.</summary>
public static class ResourceArgs
{
    public static KindInfo Kind(string text) => KindInfo.Find(text)
        ?? throw new CliException($"the server doesn't have a resource type \"{text}\" (Edge has: {string.Join(", ", KindInfo.All.Select(k => k.Plural))})");

    /// <summary>"pods", "po,svc", "pod/web": kinds, and names when given as KIND/NAME.</summary>
    public static List<(KindInfo Kind, string? Name)> Targets(string[] words)
    {
        if (words.Length == 0)
        {
            throw new CliException("you must specify the type of resource to get, e.g. `edgectl get pods` (types: " + string.Join(", ", KindInfo.All.Select(k => k.Plural)) + ")");
        }

        var targets = new List<(KindInfo, string?)>();
        if (words[0].Contains('/'))
        {
            foreach (string word in words)
            {
                string[] parts = word.Split('/', 2);
                if (parts.Length != 2 || parts[1].Length == 0)
                {
                    throw new CliException($"\"{word}\": there is no need to mix KIND/NAME with separate names; write each as KIND/NAME");
                }

                targets.Add((Kind(parts[0]), parts[1]));
            }

            return targets;
        }

        List<KindInfo> kinds = words[0].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Kind).ToList();
        if (words.Length == 1)
        {
            return kinds.Select(k => (k, (string?)null)).ToList();
        }

        if (kinds.Count > 1)
        {
            throw new CliException("names need one resource type: `edgectl get pod NAME` or `edgectl get pod/NAME svc/NAME`");
        }

        return words.Skip(1).Select(n => (kinds[0], (string?)n)).ToList();
    }

    public static string Namespace(ParseResult parsed) => parsed.GetValue(GlobalOptions.Namespace) is { Length: > 0 } ns ? ns : "default";
}
