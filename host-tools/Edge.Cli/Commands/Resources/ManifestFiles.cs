using Edge.Host.Manifests;

namespace Edge.Cli.Commands.Resources;

/// <summary>
/// Reads and checks every -f source before anything is sent, so a bad file changes nothing:
/// all problems print as "error: file:line: kind/name: field: message" and the command fails.
/// </summary>
public static class ManifestFiles
{
    public static List<ManifestDocument> Read(CliConsole console, string[] paths)
    {
        if (paths.Length == 0)
        {
            throw new CliException("must specify one of -f and -k (edgectl takes -f FILE, -f DIR or -f -)");
        }

        var documents = new List<ManifestDocument>();
        var problems = new List<ManifestProblem>();
        foreach (string path in paths)
        {
            (List<ManifestDocument> read, List<ManifestProblem> readProblems) = ManifestReader.Read(path, console.In);
            documents.AddRange(read);
            problems.AddRange(readProblems);
        }

        foreach (ManifestDocument doc in documents)
        {
            problems.AddRange(ManifestValidator.Validate(doc));
        }

        foreach (ManifestProblem warning in problems.Where(p => p.IsWarning))
        {
            console.Warning(warning.ToString());
        }

        List<ManifestProblem> errors = problems.Where(p => !p.IsWarning).ToList();
        if (errors.Count > 0)
        {
            foreach (ManifestProblem error in errors.SkipLast(1))
            {
                console.Error(error.ToString());
            }

            throw new CliException(errors[^1] + (errors.Count > 1 ? $" ({errors.Count} problems; nothing was applied)" : " (nothing was applied)"));
        }

        if (documents.Count == 0)
        {
            throw new CliException($"no objects passed to apply ({string.Join(", ", paths)} holds none)");
        }

        return documents;
    }
}
