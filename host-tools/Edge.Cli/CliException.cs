namespace Edge.Cli;

/// <summary>An error the user can act on; edgectl prints "error: " + Message on stderr.</summary>
public class CliException(string message, int exitCode = ExitCodes.Error) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
