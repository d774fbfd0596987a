namespace Edge.Bench;

/// <summary>The repository the bench runs from (where Edge.sln is), for the examples and the test suite.</summary>
public static class Repo
{
    public static string Root()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Edge.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("run from inside the repository");
    }
}
