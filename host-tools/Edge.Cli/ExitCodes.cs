namespace Edge.Cli;

/// <summary>edgectl's exit codes, part of its interface (documented in README.md).</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Ok = 0;

    /// <summary>The command failed: bad input, a missing file, an unreachable cluster. The reason is on stderr.</summary>
    public const int Error = 1;
}
