namespace Edge.NanoClr;

/// <summary>Finds a program on PATH, as a shell would.</summary>
public static class ExecutablePath
{
    public static string? Find(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
}
