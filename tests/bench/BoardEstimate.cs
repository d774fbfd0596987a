namespace Edge.Bench;

/// <summary>
/// How a time on this machine's nanoCLR becomes an estimate for an ESP32 board. The board runs
/// the same interpreter (nf-interpreter) on a 240 MHz Xtensa core; how much slower it runs it is
/// taken from the loops whose speed on an ESP32 is documented (shared/design/NANOFRAMEWORK.md:
/// a tight GPIO toggle loop, 27-81 kHz), timed here in the same shape: a loop around one native
/// call (Toggle: 81 kHz, 12.3 µs a round) and around a native call under a lock (Write takes
/// one: 27 kHz, 37 µs a round). The factor is the board's time over this machine's for each,
/// and a board figure is a scenario's time here times that factor: an estimate that assumes
/// the dataplane's mix of operations slows down as those loops do (no cache or flash effects
/// modelled); both loops giving the same factor is the check that the mapping holds.
/// </summary>
public static class BoardEstimate
{
    public const double ToggleLoopMicros = 1e6 / 81_000;

    public const double LockedWriteLoopMicros = 1e6 / 27_000;

    /// <summary>Board time over this machine's time for one round of each calibration loop.</summary>
    public static (double Toggle, double Write) Factors(double nativeCallRoundMicros, double lockedCallRoundMicros) =>
        (ToggleLoopMicros / nativeCallRoundMicros, LockedWriteLoopMicros / lockedCallRoundMicros);
}
