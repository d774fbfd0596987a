using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Edge.Host.Sessions;
using Microsoft.AspNetCore.Http;

namespace Edge.Host.Api;

/// <summary>
/// <c>kubectl exec</c> over WebSocket, as kube-apiserver serves it to kubectl 1.30 and later
/// (<c>v5.channel.k8s.io</c>; <c>v4.channel.k8s.io</c> for other clients): every binary message
/// starts with its channel (0 stdin, 1 stdout, 2 stderr, 3 the result, 4 terminal size), v5 adds
/// the close signal (255, then the channel a side is done with). A board's tools take their
/// stdin whole, so with <c>-i</c> the tool starts once kubectl closes stdin (end of a pipe, or
/// Ctrl-D); its output is relayed as it comes; the result is a metav1.Status on channel 3
/// (Success, or NonZeroExitCode with the code, which kubectl exits with), then the socket closes.
/// </summary>
public static class ExecWebSocket
{
    public const string V5 = "v5.channel.k8s.io";
    public const string V4 = "v4.channel.k8s.io";

    private const byte Stdin = 0;
    private const byte Result = 3;
    private const byte CloseSignal = 255;

    /// <summary>
    /// How long after the upgrade the first message waits. client-go (kubectl 1.30 and later)
    /// starts reading the socket in one goroutine and creates its streams in another: a message
    /// that arrives before its stream exists is dropped ("Unknown stream id 1, discarding
    /// message") and kubectl then ends with "closed all streams". A kubelet's first output comes
    /// after a container runtime has started the process; a board's can come within
    /// milliseconds, so it is held this long.
    /// </summary>
    public static readonly TimeSpan FirstMessageHold = TimeSpan.FromMilliseconds(250);

    /// <summary>The subprotocol to answer with, or null when the client offers none Edge speaks.</summary>
    public static string? Negotiate(IList<string> offered) =>
        offered.Contains(V5) ? V5 : offered.Contains(V4) ? V4 : null;

    public static async Task Serve(HttpContext context, string protocol, BoardClient session, string ns, string pod, string[] command, bool withStdin, TimeSpan timeout, ExecContainer? container = null)
    {
        using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync(protocol);
        using var send = new SemaphoreSlim(1, 1);
        using var hungUp = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        Task held = Task.Delay(FirstMessageHold);

        async Task Send(byte channel, ReadOnlyMemory<byte> data)
        {
            await send.WaitAsync(CancellationToken.None);
            try
            {
                await held;
                if (socket.State == WebSocketState.Open)
                {
                    await SendOn(socket, channel, data, CancellationToken.None);
                }
            }
            catch (WebSocketException)
            {
                hungUp.Cancel(); // the client is gone: the board is told to stop the tool
            }
            finally
            {
                send.Release();
            }
        }

        var stdin = new MemoryStream();
        var stdinClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string? problem = null;
        if (withStdin && protocol != V5)
        {
            problem = $"stdin needs {V5} (kubectl 1.30 or later): without its close signal the end of stdin never comes";
        }

        if (!withStdin || problem != null)
        {
            stdinClosed.SetResult();
        }

        // Reading runs throughout: it takes stdin, answers kubectl's pings, and sees a hang-up.
        Task reading = Read(socket, stdin, stdinClosed, protocol == V5, hungUp);
        int exit = 0;
        try
        {
            await stdinClosed.Task.WaitAsync(hungUp.Token);
            if (problem == null)
            {
                (exit, problem) = await RemoteCommand.RunAsync(session, ns, pod, command, withStdin ? stdin.ToArray() : null,
                    (channel, data) => Send(channel, data), timeout, hungUp.Token, container);
            }
        }
        catch (OperationCanceledException) when (hungUp.IsCancellationRequested)
        {
            return; // the client went away; nobody is left to tell
        }

        await Send(Result, Encoding.UTF8.GetBytes(Status(exit, problem).ToJsonString()));
        try
        {
            await send.WaitAsync(CancellationToken.None);
            if (socket.State == WebSocketState.Open)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            }
        }
        catch (WebSocketException)
        {
            // gone already
        }
        finally
        {
            send.Release();
        }

        // The client answers the close; give it a moment, not forever.
        await Task.WhenAny(reading, Task.Delay(TimeSpan.FromSeconds(5)));
        hungUp.Cancel();
    }

    /// <summary>One binary message on a channel: the channel's byte, then the data.</summary>
    internal static async Task SendOn(WebSocket socket, byte channel, ReadOnlyMemory<byte> data, CancellationToken cancel)
    {
        byte[] message = new byte[1 + data.Length];
        message[0] = channel;
        data.CopyTo(message.AsMemory(1));
        await socket.SendAsync(message, WebSocketMessageType.Binary, true, cancel);
    }

    /// <summary>The result as kube-apiserver writes it on the error channel.</summary>
    public static JsonObject Status(int exit, string? problem)
    {
        if (problem != null)
        {
            return new JsonObject { ["metadata"] = new JsonObject(), ["status"] = "Failure", ["message"] = problem, ["reason"] = "InternalError" };
        }

        if (exit == 0)
        {
            return new JsonObject { ["metadata"] = new JsonObject(), ["status"] = "Success" };
        }

        return new JsonObject
        {
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = $"command terminated with non-zero exit code: exit code {exit}",
            ["reason"] = "NonZeroExitCode",
            ["details"] = new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["reason"] = "ExitCode", ["message"] = exit.ToString(System.Globalization.CultureInfo.InvariantCulture) }) },
        };
    }

    internal static async Task Read(WebSocket socket, MemoryStream stdin, TaskCompletionSource stdinClosed, bool v5, CancellationTokenSource hungUp)
    {
        byte[] buffer = new byte[16 * 1024];
        var message = new MemoryStream();
        try
        {
            while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                WebSocketReceiveResult received = await socket.ReceiveAsync(buffer, hungUp.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage)
                {
                    continue;
                }

                byte[] m = message.ToArray();
                message.SetLength(0);
                if (m.Length >= 1 && m[0] == Stdin && !stdinClosed.Task.IsCompleted && stdin.Length <= RemoteCommand.MaxStdin)
                {
                    stdin.Write(m, 1, m.Length - 1);
                }
                else if (v5 && m.Length == 2 && m[0] == CloseSignal && m[1] == Stdin)
                {
                    stdinClosed.TrySetResult();
                }

                // Resize (4) and anything else: a board's tools have no terminal.
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // the connection went, or the exchange is over
        }

        if (!stdinClosed.Task.IsCompleted || socket.State != WebSocketState.Closed)
        {
            // Hung up before stdin ended, or without answering our close: nothing more will come.
            stdinClosed.TrySetResult();
            if (socket.State != WebSocketState.Closed && socket.State != WebSocketState.CloseSent)
            {
                hungUp.Cancel();
            }
        }
    }
}
