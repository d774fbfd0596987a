using System.Text;
using Edge.Host.Api.Spdy;
using Edge.Host.Sessions;
using Microsoft.AspNetCore.Http;

namespace Edge.Host.Api;

/// <summary>
/// <c>kubectl exec</c> and <c>kubectl attach</c> over SPDY/3.1, as kubectl 1.27-1.29 ask for them
/// (and 1.30 and later fall back to when WebSocket is refused): after the upgrade kubectl opens
/// one stream per purpose, named by its <c>streamtype</c> header (error, stdin, stdout, stderr,
/// resize), as the query's flags said it would; stdin ends with the stream's FIN, so the tool
/// gets it whole; the output goes back on stdout and stderr; the result is a metav1.Status on the
/// error stream (v4.channel.k8s.io), then every stream is finished and kubectl hangs up.
/// </summary>
public static class ExecSpdy
{
    public const string V4 = "v4.channel.k8s.io";

    /// <summary>How long the client has to open the streams it announced (the kubelet's stream creation timeout).</summary>
    public static readonly TimeSpan StreamCreationTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The protocol to upgrade with, checked before the upgrade so a client that speaks none hears why.</summary>
    public static string Negotiate(HttpRequest request) =>
        SpdyUpgrade.Negotiate(request, [V4]) ?? throw new ApiException(403, "Forbidden",
            $"unable to upgrade: unable to negotiate protocol: client supports [{string.Join(' ', request.Headers[SpdyUpgrade.ProtocolVersionHeader].ToArray())}], server supports [{V4}]");

    public static async Task ServeExec(HttpContext context, string protocol, BoardClient session, string ns, string pod, string[] command, TimeSpan timeout, ExecContainer? container = null)
    {
        await using SpdyConnection connection = await SpdyUpgrade.AcceptAsync(context, protocol);
        if (await RemoteStreams.AcceptAsync(connection, context.Request.Query, StreamCreationTimeout) is not RemoteStreams streams)
        {
            return; // the client never opened what it announced; nobody to answer
        }

        using var hungUp = CancellationTokenSource.CreateLinkedTokenSource(connection.PeerGone, context.RequestAborted);
        try
        {
            byte[]? stdin = streams.Stdin == null ? null : await streams.Stdin.ReadToEndAsync(RemoteCommand.MaxStdin, hungUp.Token);
            (int exit, string? problem) = await RemoteCommand.RunAsync(session, ns, pod, command, stdin, streams.SendAsync, timeout, hungUp.Token, container);
            await streams.FinishAsync(ExecWebSocket.Status(exit, problem).ToJsonString());
            await connection.WaitForPeerAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // kubectl went away (Ctrl+C): the board was told to stop the tool
        }
    }

    /// <summary>The pod's output from now on, on stdout, until kubectl detaches or the pod is gone (see <see cref="PodOutput"/>).</summary>
    public static async Task ServeAttach(HttpContext context, string protocol, Func<BoardClient?> session, Func<bool> podExists, string ns, string pod)
    {
        await using SpdyConnection connection = await SpdyUpgrade.AcceptAsync(context, protocol);
        if (await RemoteStreams.AcceptAsync(connection, context.Request.Query, StreamCreationTimeout) is not RemoteStreams streams)
        {
            return;
        }

        using var hungUp = CancellationTokenSource.CreateLinkedTokenSource(connection.PeerGone, context.RequestAborted);
        try
        {
            await PodOutput.FollowAsync(session, podExists, ns, pod, data => streams.SendAsync(RemoteCommand.Stdout, data), hungUp.Token);
            await streams.FinishAsync(ExecWebSocket.Status(0, null).ToJsonString());
            await connection.WaitForPeerAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // kubectl detached (Ctrl+C), or the connection went
        }
    }

    /// <summary>The streams of one exec or attach, by purpose.</summary>
    private sealed class RemoteStreams
    {
        private SpdyStream? _error;
        private SpdyStream? _stdout;
        private SpdyStream? _stderr;

        public SpdyStream? Stdin { get; private set; }

        /// <summary>Waits for the streams the query announced (error always; stdin, stdout, stderr as asked; resize with a tty, whose sizes a board's tools do not need).</summary>
        public static async Task<RemoteStreams?> AcceptAsync(SpdyConnection connection, IQueryCollection query, TimeSpan patience)
        {
            bool tty = query["tty"] == "true";
            var wanted = new HashSet<string> { "error" };
            if (query["stdin"] == "true")
            {
                wanted.Add("stdin");
            }

            if (query["stdout"] == "true")
            {
                wanted.Add("stdout");
            }

            if (query["stderr"] == "true" && !tty)
            {
                wanted.Add("stderr");
            }

            if (tty)
            {
                wanted.Add("resize");
            }

            var streams = new RemoteStreams();
            using var deadline = new CancellationTokenSource(patience);
            try
            {
                while (wanted.Count > 0)
                {
                    if (await connection.AcceptAsync(deadline.Token) is not SpdyStream stream)
                    {
                        return null;
                    }

                    string type = stream.Header("streamtype") ?? "";
                    wanted.Remove(type);
                    switch (type)
                    {
                        case "error": streams._error = stream; break;
                        case "stdin": streams.Stdin = stream; break;
                        case "stdout": streams._stdout = stream; break;
                        case "stderr": streams._stderr = stream; break;
                        default: break; // resize, or a purpose this server has no use for: opened, never read
                    }
                }
            }
            catch (OperationCanceledException)
            {
                return null;
            }

            return streams;
        }

        /// <summary>Output on its stream; stderr goes to stdout when kubectl asked for a tty (one stream, as a terminal has).</summary>
        public async Task SendAsync(byte channel, byte[] data)
        {
            SpdyStream? stream = channel == RemoteCommand.Stderr ? _stderr ?? _stdout : _stdout;
            if (stream != null)
            {
                await stream.WriteAsync(data);
            }
        }

        /// <summary>The result on the error stream, then this side's FIN on every stream.</summary>
        public async Task FinishAsync(string status)
        {
            await _error!.WriteAsync(Encoding.UTF8.GetBytes(status));
            foreach (SpdyStream? stream in new[] { _stdout, _stderr, _error })
            {
                if (stream != null)
                {
                    await stream.CloseAsync();
                }
            }
        }
    }
}
