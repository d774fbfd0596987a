namespace Edge.Host.Store;

/// <summary>Where a cluster's state lives: one SQLite file per cluster under the user's data directory.</summary>
public static class StorePaths
{
    /// <summary>
    /// $EDGE_HOME, else $XDG_DATA_HOME/edge, else ~/.local/share/edge (on Windows and macOS,
    /// the platform's local application data folder).
    /// </summary>
    public static string DataDirectory()
    {
        string? home = Environment.GetEnvironmentVariable("EDGE_HOME");
        if (!string.IsNullOrEmpty(home))
        {
            return home;
        }

        string? xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        if (!string.IsNullOrEmpty(xdg))
        {
            return Path.Combine(xdg, "edge");
        }

        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "edge");
    }

    /// <summary>The database of the named cluster ("lab" unless told otherwise).</summary>
    public static string ForCluster(string cluster)
    {
        if (cluster.Length == 0 || cluster.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_')))
        {
            throw new ArgumentException($"cluster name \"{cluster}\": use letters, digits, '-' and '_'");
        }

        return Path.Combine(DataDirectory(), "clusters", cluster + ".db");
    }
}
