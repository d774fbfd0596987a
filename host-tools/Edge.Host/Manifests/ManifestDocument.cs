using Edge.Host.Objects;

namespace Edge.Host.Manifests;

/// <summary>One object read from a manifest, with where each of its fields was written.</summary>
public sealed class ManifestDocument(string source, KubeObject obj, IReadOnlyDictionary<string, int> lines)
{
    public string Source { get; } = source;
    public KubeObject Object { get; } = obj;

    /// <summary>The line of a field path ("spec.template.spec.containers[0].image"), or of the nearest parent written.</summary>
    public int LineOf(string path)
    {
        while (true)
        {
            if (lines.TryGetValue(path, out int line))
            {
                return line;
            }

            int cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
            if (cut <= 0)
            {
                return lines.TryGetValue("", out int top) ? top : 0;
            }

            path = path[..cut];
        }
    }
}
