using System.Globalization;
using System.Text.Json.Nodes;
using Edge.Host.Objects;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Edge.Host.Manifests;

/// <summary>
/// Reads Kubernetes manifests as kubectl does: a file, every .yaml/.yml/.json file of a
/// directory (not recursive), or standard input ("-"); several documents per file separated
/// by "---"; List objects unwrapped. YAML plain scalars take their core-schema types
/// (80 is a number, true a boolean), quoted ones stay strings. Every field remembers its
/// line so problems can name it.
/// </summary>
public static class ManifestReader
{
    public static readonly string[] Extensions = [".yaml", ".yml", ".json"];

    /// <summary>Documents of every source, and the problems that kept any from being read.</summary>
    public static (List<ManifestDocument> Documents, List<ManifestProblem> Problems) Read(string path, TextReader? stdin = null)
    {
        var documents = new List<ManifestDocument>();
        var problems = new List<ManifestProblem>();
        if (path == "-")
        {
            Parse("<stdin>", (stdin ?? Console.In).ReadToEnd(), documents, problems);
        }
        else if (Directory.Exists(path))
        {
            string[] files = Directory.GetFiles(path).Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal).ToArray();
            if (files.Length == 0)
            {
                problems.Add(new ManifestProblem(path, 0, "", "", "no .yaml, .yml or .json files in this directory"));
            }

            foreach (string file in files)
            {
                Parse(file, File.ReadAllText(file), documents, problems);
            }
        }
        else if (File.Exists(path))
        {
            Parse(path, File.ReadAllText(path), documents, problems);
        }
        else
        {
            problems.Add(new ManifestProblem(path, 0, "", "", "the path does not exist"));
        }

        return (documents, problems);
    }

    public static void Parse(string source, string text, List<ManifestDocument> documents, List<ManifestProblem> problems)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            problems.Add(new ManifestProblem(source, (int)e.Start.Line, "", "", "not valid YAML: " + Clean(e.Message)));
            return;
        }

        foreach (YamlDocument document in stream.Documents)
        {
            if (document.RootNode is YamlScalarNode { Value: null or "" })
            {
                continue; // an empty document between two "---"
            }

            if (document.RootNode is not YamlMappingNode root)
            {
                problems.Add(new ManifestProblem(source, (int)document.RootNode.Start.Line, "", "", "a manifest document must be a mapping with apiVersion, kind and metadata"));
                continue;
            }

            var lines = new Dictionary<string, int>();
            var json = (JsonObject)Convert(root, "", lines)!;
            if ((string?)json["kind"] is string kind && kind.EndsWith("List", StringComparison.Ordinal) && json["items"] is JsonArray items)
            {
                for (int i = 0; i < items.Count; i++)
                {
                    if (items[i] is JsonObject item)
                    {
                        string prefix = $"items[{i}]";
                        var itemLines = lines.Where(l => l.Key.StartsWith(prefix, StringComparison.Ordinal))
                            .ToDictionary(l => l.Key.Length == prefix.Length ? "" : l.Key[(prefix.Length + 1)..], l => l.Value);
                        documents.Add(new ManifestDocument(source, new KubeObject((JsonObject)item.DeepClone()), itemLines));
                    }
                }

                continue;
            }

            documents.Add(new ManifestDocument(source, new KubeObject(json), lines));
        }
    }

    private static JsonNode? Convert(YamlNode node, string path, Dictionary<string, int> lines)
    {
        lines[path] = (int)node.Start.Line;
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (keyNode, valueNode) in map.Children)
                {
                    string key = ((YamlScalarNode)keyNode).Value ?? "";
                    obj[key] = Convert(valueNode, path.Length == 0 ? key : path + "." + key, lines);
                }

                return obj;
            case YamlSequenceNode seq:
                var array = new JsonArray();
                for (int i = 0; i < seq.Children.Count; i++)
                {
                    array.Add(Convert(seq.Children[i], $"{path}[{i}]", lines));
                }

                return array;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                return null;
        }
    }

    // YAML 1.2 core schema for plain scalars; quoted and block scalars are strings.
    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        string? v = scalar.Value;
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(v ?? "");
        }

        if (v is null or "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (v is "true" or "True" or "TRUE")
        {
            return JsonValue.Create(true);
        }

        if (v is "false" or "False" or "FALSE")
        {
            return JsonValue.Create(false);
        }

        if (long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l))
        {
            return JsonValue.Create(l);
        }

        if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && v.Any(char.IsDigit))
        {
            return JsonValue.Create(d);
        }

        return JsonValue.Create(v);
    }

    private static string Clean(string message)
    {
        int paren = message.IndexOf("):", StringComparison.Ordinal);
        return paren > 0 && message.StartsWith('(') ? message[(paren + 2)..].Trim() : message;
    }
}
