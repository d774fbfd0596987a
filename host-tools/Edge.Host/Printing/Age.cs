using Edge.Host.Objects;

namespace Edge.Host.Printing;

/// <summary>Durations as kubectl prints them in AGE columns: 45s, 3m12s, 17m, 5h3m, 30h, 4d6h, 12d.</summary>
public static class Age
{
    public static string Of(string? timestamp, DateTime now) =>
        KubeTime.Parse(timestamp) is DateTime then ? Format(now - then) : "<unknown>";

    public static string Format(TimeSpan d)
    {
        if (d < TimeSpan.Zero)
        {
            d = TimeSpan.Zero;
        }

        int seconds = (int)d.TotalSeconds;
        int minutes = (int)d.TotalMinutes;
        int hours = (int)d.TotalHours;
        if (seconds < 120)
        {
            return $"{seconds}s";
        }

        if (minutes < 10)
        {
            return seconds % 60 == 0 ? $"{minutes}m" : $"{minutes}m{seconds % 60}s";
        }

        if (minutes < 180)
        {
            return $"{minutes}m";
        }

        if (hours < 8)
        {
            return minutes % 60 == 0 ? $"{hours}h" : $"{hours}h{minutes % 60}m";
        }

        if (hours < 48)
        {
            return $"{hours}h";
        }

        if (hours < 24 * 8)
        {
            return hours % 24 == 0 ? $"{hours / 24}d" : $"{hours / 24}d{hours % 24}h";
        }

        return hours < 24 * 365 * 2 ? $"{hours / 24}d" : $"{hours / 24 / 365}y";
    }
}
