namespace Edge.Cli;

/// <summary>edgectl's exit codes, part of its interface (documented in README.md).</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Ok = 0;

    /// <summary>The command failed: bad input, a missing file, an unreachable cluster. The reason is on stderr.</summary>
    public const int Error = 1;

    /// <summary>
    /// `policy check`: the connection is denied. 1, as `kubectl auth can-i` answers "no" (and
    /// grep finds nothing); an error is told apart by `error: ...` on stderr and nothing on stdout.
    /// </summary>
    public const int Denied = 1;
}
