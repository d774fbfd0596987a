using Edge.Host.Serial;

namespace Edge.Host.Lab;

/// <summary>What a lab's long-running process (a virtual board, the control plane) does to outlive the command that started it.</summary>
public static class BackgroundProcess
{
    /// <summary>
    /// Leaves the terminal's session, so Ctrl+C in the shell that ran `edgectl lab up` later does
    /// not reach the lab, and closing that terminal does not hang it up.
    /// </summary>
    public static void Detach()
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            _ = PosixTerminal.SetSid(); // fails only when already a session leader: fine either way
        }
    }
}
