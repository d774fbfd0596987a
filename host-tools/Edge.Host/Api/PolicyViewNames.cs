using System.Text.RegularExpressions;

namespace Edge.Host.Api;

/// <summary>
/// A board knows the policies it enforces by index ("policy#3" in its policy view): the host,
/// which compiled them, puts their names back ("default/allow-client-to-web").
/// </summary>
public static partial class PolicyViewNames
{
    [GeneratedRegex(@"policy#(\d+)")]
    private static partial Regex Reference();

    public static string Restore(string text, IReadOnlyList<string> names) => Reference().Replace(text, m =>
        int.TryParse(m.Groups[1].Value, out int index) && index < names.Count && names[index] is string name ? name : m.Value);
}
