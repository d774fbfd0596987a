using System.Net.WebSockets;
using System.Text;
using Edge.Host.Sessions;
using Microsoft.AspNetCore.Http;

namespace Edge.Host.Api;

/// <summary>
/// <c>kubectl attach POD</c> over WebSocket (the channels of <see cref="ExecWebSocket"/>): what
/// the pod's workload writes from now on, on stdout, as it writes it (its board's log, asked
/// once a second, as <c>logs -f</c> follows it), until kubectl hangs up or the pod is gone. A
/// board's workloads read no stdin, so attach takes none.
/// </summary>
public static class AttachWebSocket
{
    public static async Task Serve(HttpContext context, string protocol, Func<BoardClient?> session, Func<bool> podExists, string ns, string pod)
    {
        using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync(protocol);
        using var hungUp = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var ignoredStdin = new TaskCompletionSource();
        ignoredStdin.SetResult();
        Task reading = ExecWebSocket.Read(socket, new MemoryStream(), ignoredStdin, protocol == ExecWebSocket.V5, hungUp);
        var follower = new LogFollower();
        bool first = true;
        try
        {
            while (!hungUp.IsCancellationRequested && podExists())
            {
                if (session() is BoardClient board)
                {
                    try
                    {
                        string added = follower.Next(await board.LogsAsync(ns, pod, TimeSpan.FromSeconds(10)));
                        if (!first && added.Length > 0)
                        {
                            await ExecWebSocket.SendOn(socket, 1, Encoding.UTF8.GetBytes(added), hungUp.Token);
                        }

                        first = false; // what was written before attaching is logs', not attach's
                    }
                    catch (BoardSessionException)
                    {
                        // the board is reconnecting: keep watching
                    }
                }

                await Task.Delay(TimeSpan.FromSeconds(1), hungUp.Token);
            }

            await ExecWebSocket.SendOn(socket, 3, Encoding.UTF8.GetBytes(ExecWebSocket.Status(0, null).ToJsonString()), hungUp.Token);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            await Task.WhenAny(reading, Task.Delay(TimeSpan.FromSeconds(5)));
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // kubectl detached (Ctrl+C), or the connection went
        }
        finally
        {
            hungUp.Cancel();
        }
    }
}
