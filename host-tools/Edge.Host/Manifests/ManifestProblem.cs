namespace Edge.Host.Manifests;

/// <summary>One thing wrong (or worth knowing) about a manifest, pinned to its file, line and field.</summary>
public sealed record ManifestProblem(string Source, int Line, string Object, string Field, string Message, bool IsWarning = false)
{
    /// <summary>"web.yaml:12: deployment.apps/web: spec.replicas: must be 0 or more" (kubectl-like, with the line).</summary>
    public override string ToString()
    {
        string where = Line > 0 ? $"{Source}:{Line}" : Source;
        string what = Object.Length > 0 ? $" {Object}:" : "";
        string field = Field.Length > 0 ? $" {Field}:" : "";
        return $"{where}:{what}{field} {Message}";
    }
}
