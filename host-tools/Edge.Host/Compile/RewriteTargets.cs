namespace Edge.Host.Compile;

/// <summary>
/// ingress-nginx's <c>rewrite-target</c> as nginx's <c>rewrite "(?i)PATH" TARGET break;</c> reads
/// it (template.go buildProxyPass; nginx's ngx_http_script_compile): <c>$1</c>-<c>$9</c> are the
/// path's groups (one digit: <c>$10</c> is <c>$1</c> then "0"), any other <c>$name</c> is an nginx
/// variable, a target starting with http:// or https:// makes a redirect, and a <c>?</c> starts the
/// target's own query (the request's follows it after '&amp;', unless the target ends in '?'). A
/// board expands <c>$0</c>-<c>$9</c> and nothing else, and writes the target into the request line.
/// </summary>
public static class RewriteTargets
{
    /// <summary>What ingress-nginx's annotation validation (on by default) takes in a rewrite-target: parser.RegexPathWithCapture.</summary>
    private const string IngressNginxTakes = "-._~/:$";

    // What a request target may carry besides letters and digits (RFC 3986 path and query characters).
    private const string UrlTakes = "-._~/:$?&=%+,!*'()@";

    /// <summary>Why a board cannot rewrite to the target; empty when it can.</summary>
    public static List<string> Errors(string target)
    {
        var errors = new List<string>();
        if (target.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || target.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
            || target.StartsWith("$scheme", StringComparison.Ordinal))
        {
            errors.Add("a target starting with http:// or https:// makes nginx answer with a redirect; Edge's boards rewrite the path only (a path such as /$1 is taken)");
        }

        foreach (char c in target.Where(c => !char.IsAsciiLetterOrDigit(c) && !UrlTakes.Contains(c)).Take(1))
        {
            string shown = char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString();
            errors.Add($"must be a URL path and query: '{shown}' is not taken (percent-encode it)");
        }

        for (int i = 0; i < target.Length; i++)
        {
            if (target[i] != '$')
            {
                continue;
            }

            char next = i + 1 < target.Length ? target[i + 1] : '\0';
            if (char.IsAsciiLetter(next) || next is '_' or '{')
            {
                int end = i + 1;
                while (end < target.Length && (char.IsAsciiLetterOrDigit(target[end]) || target[end] is '_' or '{' or '}'))
                {
                    end++;
                }

                errors.Add($"the nginx variable \"{target[i..end]}\" is not taken: Edge's boards put only the path's groups $1-$9 into a target");
            }
            else if (!char.IsAsciiDigit(next))
            {
                errors.Add("a '$' must be followed by a group's number, 1 to 9 (nginx refuses it too)");
            }
        }

        return errors;
    }

    /// <summary>What a board does that ingress-nginx would not: <c>$0</c>, and characters its annotation validation refuses.</summary>
    public static List<string> Warnings(string target)
    {
        var warnings = new List<string>();
        if (target.Contains("$0", StringComparison.Ordinal))
        {
            warnings.Add("nginx has no $0 (its configuration test refuses the unknown variable \"0\", so ingress-nginx would not load this Ingress); Edge's boards put the whole match there");
        }

        if (target.Any(c => !char.IsAsciiLetterOrDigit(c) && !IngressNginxTakes.Contains(c) && UrlTakes.Contains(c)))
        {
            warnings.Add("ingress-nginx's annotation validation (on unless enable-annotation-validation is false) takes only letters, digits and - . _ ~ / : $ here, "
                + "and would leave the path as it came; Edge's boards rewrite to it, as nginx does");
        }

        return warnings;
    }

    /// <summary>The highest group $1-$9 the target uses; 0 for none.</summary>
    public static int HighestGroup(string target)
    {
        int highest = 0;
        for (int i = 0; i + 1 < target.Length; i++)
        {
            if (target[i] == '$' && target[i + 1] is >= '1' and <= '9')
            {
                highest = Math.Max(highest, target[i + 1] - '0');
            }
        }

        return highest;
    }
}
