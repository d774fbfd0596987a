namespace Edge.Bench;

/// <summary>
/// How a time on this machine's nanoCLR becomes an estimate for an ESP32 board: a placeholder
/// until calibrated (see the README).
/// </summary>
public static class BoardEstimate
{
    public const double Factor = 1.0;

    public const string Explanation = "ESP32 estimate: not calibrated yet.";
}
