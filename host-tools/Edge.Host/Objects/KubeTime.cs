using System.Globalization;

namespace Edge.Host.Objects;

/// <summary>Timestamps as Kubernetes writes them in objects: RFC 3339 in UTC to the second ("2026-11-24T09:00:00Z").</summary>
public static class KubeTime
{
    public static string Format(DateTime time) => time.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    public static DateTime? Parse(string? text) =>
        DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime t) ? t : null;
}
