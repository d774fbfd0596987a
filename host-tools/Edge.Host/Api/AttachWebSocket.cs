using System.Text;
using System.Net.WebSockets;
using Edge.Host.Sessions;
using Microsoft.AspNetCore.Http;

namespace Edge.Host.Api;

/// <summary>
/// <c>kubectl attach POD</c> over WebSocket (the channels of <see cref="ExecWebSocket"/>): the
/// pod's output from now on (<see cref="PodOutput"/>), on stdout, until kubectl hangs up or the
/// pod is gone. A board's workloads read no stdin, so attach takes none.
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
        try
        {
            await PodOutput.FollowAsync(session, podExists, ns, pod, data => ExecWebSocket.SendOn(socket, 1, data, hungUp.Token), hungUp.Token);
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
