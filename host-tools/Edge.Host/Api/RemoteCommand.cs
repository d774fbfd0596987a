using System.Text;
using Edge.Host.Sessions;

namespace Edge.Host.Api;

/// <summary>
/// What <c>kubectl exec</c> does on a board, whatever carries it (WebSocket for kubectl 1.30 and
/// later, SPDY/3.1 before): the tool runs with its stdin whole (a board's tools take it at once),
/// its output is handed on as it comes, and the end is an exit code or a problem in words, which
/// each transport writes as kube-apiserver's metav1.Status (<see cref="ExecWebSocket.Status"/>).
/// </summary>
public static class RemoteCommand
{
    public const byte Stdout = 1;
    public const byte Stderr = 2;

    /// <summary>The most stdin a board's exec takes (it travels in the exec request's frame).</summary>
    public const int MaxStdin = 8 * 1024;

    /// <summary>
    /// Runs <paramref name="command"/> in the pod with <paramref name="stdin"/> (null: none), sending
    /// each piece of output on its channel through <paramref name="send"/>, one at a time and in order
    /// (the board's reader only queues them, so a slow client never holds the board's line).
    /// Cancelling <paramref name="hungUp"/> tells the board to stop the tool.
    /// </summary>
    public static async Task<(int Exit, string? Problem)> RunAsync(BoardClient session, string ns, string pod, string[] command, byte[]? stdin,
        Func<byte, byte[], Task> send, TimeSpan timeout, CancellationToken hungUp, ExecContainer? container = null)
    {
        if (stdin is { Length: > MaxStdin })
        {
            return (0, $"stdin is {stdin.Length} bytes; a board's tools take at most {MaxStdin}");
        }

        await using var output = new OutputRelay(send);
        try
        {
            int exit = await session.ExecAsync(ns, pod, command, stdin == null ? null : Encoding.Latin1.GetString(stdin), output.Post, timeout, hungUp, container);
            return (exit, null);
        }
        catch (BoardSessionException e)
        {
            return (0, e.Message);
        }
    }
}
