using System.Globalization;
using System.Text;
using Edge.Host.Api.Spdy;
using Edge.Host.Sessions;

namespace Edge.Host.Api;

/// <summary>
/// <c>kubectl port-forward</c> as the kubelet serves it (<c>portforward.k8s.io</c>), over SPDY/3.1
/// or over SPDY tunnelled in a WebSocket (kubectl 1.31 and later): for every connection to its
/// local port kubectl opens an error stream and a data stream with the same <c>requestid</c> and
/// the pod's <c>port</c>. The pair becomes one forward on the pod's board (<see
/// cref="BoardClient.ForwardAsync"/>): data stream to the pod and back, the data stream finished
/// when the pod closes, and the reason on the error stream when it could not connect.
/// </summary>
public static class PortForwardSpdy
{
    public const string Protocol = "portforward.k8s.io";

    /// <summary>Serves the connection's forwards until kubectl hangs up.</summary>
    public static async Task ServeAsync(SpdyConnection connection, Func<BoardClient> session, string ns, string pod)
    {
        var halves = new Dictionary<string, SpdyStream>();
        var forwards = new List<Task>();
        CancellationToken gone = connection.PeerGone;
        while (await connection.AcceptAsync(CancellationToken.None) is SpdyStream stream)
        {
            string request = stream.Header("requestid") ?? "";
            if (!halves.Remove(request, out SpdyStream? other))
            {
                halves[request] = stream;
                continue;
            }

            (SpdyStream? error, SpdyStream? data) = stream.Header("streamtype") == "error" ? (stream, other) : (other, stream);
            if (error.Header("streamtype") != "error" || data.Header("streamtype") != "data")
            {
                await FinishAsync(error, data, $"request {request}: expected an error and a data stream");
                continue;
            }

            forwards.Add(ForwardOneAsync(error, data, session, ns, pod, gone));
        }

        await Task.WhenAll(forwards);
    }

    private static async Task ForwardOneAsync(SpdyStream error, SpdyStream data, Func<BoardClient> session, string ns, string pod, CancellationToken gone)
    {
        string? portText = data.Header("port");
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port < 1 || port > 65535)
        {
            await FinishAsync(error, data, $"invalid port {portText}: a port is 1-65535");
            return;
        }

        var reasons = new StringBuilder();
        string? problem = null;
        try
        {
            int exit;
            await using (var output = new OutputRelay(async (stream, bytes) =>
            {
                if (stream == RemoteCommand.Stderr)
                {
                    reasons.Append(Encoding.UTF8.GetString(bytes));
                }
                else
                {
                    await data.WriteAsync(bytes);
                }
            }))
            {
                exit = await session().ForwardAsync(ns, pod, port, data.Input, output.Post, gone);
            }

            if (exit != 0)
            {
                problem = reasons.ToString().Trim() is { Length: > 0 } said ? said : $"the board ended the forward with {exit}";
            }
        }
        catch (BoardSessionException e)
        {
            problem = e.Message;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            return; // kubectl hung up: the board was told to drop the connection
        }

        await FinishAsync(error, data, problem == null ? null : $"error forwarding port {port} to pod {ns}/{pod}: {problem}");
    }

    /// <summary>The reason, if any, on the error stream; then both streams finished, as the kubelet ends a forward.</summary>
    private static async Task FinishAsync(SpdyStream error, SpdyStream data, string? problem)
    {
        try
        {
            if (problem != null)
            {
                await error.WriteAsync(Encoding.UTF8.GetBytes(problem));
            }

            await data.CloseAsync();
            await error.CloseAsync();
        }
        catch (IOException)
        {
            // kubectl is gone
        }
    }
}
