using System.Text;
using System.Text.Json.Nodes;
using Edge.Host.Objects;
using Edge.Host.Sessions;
using Edge.Host.Store;
using Microsoft.AspNetCore.Http;

namespace Edge.Host.Api;

/// <summary>
/// The API's streams into a pod, through its board: exec (JSON lines for edgectl; WebSocket for
/// kubectl 1.30 and later; SPDY/3.1 before), attach and port-forward (SPDY, and SPDY tunnelled in
/// a WebSocket), each checked as kube-apiserver checks it before any upgrade.
/// </summary>
public sealed partial class ApiServer
{
    /// <summary>Runs a tool in a pod; the response is JSON lines: {"stream":1|2,"data":"..."} as output comes, then {"exitCode":N}.</summary>
    private async Task Exec(HttpContext context, string ns, string name)
    {
        JsonNode? body = await JsonNode.ParseAsync(context.Request.Body);
        string[] command = (body?["command"] as JsonArray)?.Select(a => (string?)a ?? "").ToArray() ?? [];
        if (command.Length == 0)
        {
            throw new FormatException("exec needs a command, e.g. {\"command\": [\"wget\", \"-qO-\", \"http://web\"]}");
        }

        CheckContainer(context, ns, name);
        BoardClient session = PodSession(ns, name);

        context.Response.ContentType = "application/x-ndjson";
        context.Response.Headers.CacheControl = "no-cache";
        var lines = System.Threading.Channels.Channel.CreateUnbounded<string>(new() { SingleReader = true });
        Task<int> run = session.ExecAsync(ns, name, command, (string?)body?["stdin"], (stream, bytes) =>
            lines.Writer.TryWrite(new JsonObject { ["stream"] = stream, ["data"] = Encoding.Latin1.GetString(bytes.Span) }.ToJsonString()),
            TimeSpan.FromSeconds((int?)body?["timeoutSeconds"] ?? 120), context.RequestAborted, ExecContainerFor(context, ns, name));
        _ = run.ContinueWith(_ => lines.Writer.TryComplete(), TaskScheduler.Default);
        await foreach (string line in lines.Reader.ReadAllAsync())
        {
            await context.Response.WriteAsync(line + "\n");
            await context.Response.Body.FlushAsync();
        }

        int exit;
        try
        {
            exit = await run;
        }
        catch (BoardSessionException e)
        {
            await context.Response.WriteAsync(new JsonObject { ["error"] = e.Message }.ToJsonString() + "\n");
            return;
        }

        await context.Response.WriteAsync(new JsonObject { ["exitCode"] = exit }.ToJsonString() + "\n");
    }

    /// <summary>kubectl exec (1.30 and later): the command from the query, checked before the upgrade so a wrong pod is an HTTP error kubectl prints.</summary>
    private async Task ExecOverWebSocket(HttpContext context, string ns, string name)
    {
        string? protocol = ExecWebSocket.Negotiate(context.WebSockets.WebSocketRequestedProtocols);
        if (protocol == null)
        {
            throw new ApiException(400, "BadRequest", $"exec over WebSocket speaks {ExecWebSocket.V5} or {ExecWebSocket.V4}");
        }

        (BoardClient session, string[] command) = ExecTarget(context, ns, name);
        await ExecWebSocket.Serve(context, protocol, session, ns, name, command, context.Request.Query["stdin"] == "true", TimeSpan.FromSeconds(120), ExecContainerFor(context, ns, name));
    }

    /// <summary>kubectl attach (1.30 and later): the pod's output from now on; a wrong pod or container is an HTTP error first.</summary>
    private async Task AttachOverWebSocket(HttpContext context, string ns, string name)
    {
        string? protocol = ExecWebSocket.Negotiate(context.WebSockets.WebSocketRequestedProtocols)
            ?? throw new ApiException(400, "BadRequest", $"attach over WebSocket speaks {ExecWebSocket.V5} or {ExecWebSocket.V4}");
        CheckContainer(context, ns, name);
        PodSession(ns, name); // scheduled, and on a connected board, before the upgrade
        await AttachWebSocket.Serve(context, protocol, () => PodSessionOrNull(ns, name), () => _controlPlane.Store.Get("Pod", ns, name) != null, ns, name);
    }

    /// <summary>The pod's board session while it has one; null while it reconnects (attach waits it out).</summary>
    private BoardClient? PodSessionOrNull(string ns, string name)
    {
        try
        {
            return PodSession(ns, name);
        }
        catch (Exception e) when (e is BoardSessionException or StoreException)
        {
            return null;
        }
    }

    /// <summary>kubectl exec over SPDY (1.27-1.29, and later ones when WebSocket is refused): checked before the upgrade as over WebSocket.</summary>
    private async Task ExecOverSpdy(HttpContext context, string ns, string name)
    {
        (BoardClient session, string[] command) = ExecTarget(context, ns, name);
        string protocol = ExecSpdy.Negotiate(context.Request);
        await ExecSpdy.ServeExec(context, protocol, session, ns, name, command, TimeSpan.FromSeconds(120), ExecContainerFor(context, ns, name));
    }

    /// <summary>kubectl attach over SPDY (1.27-1.29).</summary>
    private async Task AttachOverSpdy(HttpContext context, string ns, string name)
    {
        CheckContainer(context, ns, name);
        PodSession(ns, name);
        string protocol = ExecSpdy.Negotiate(context.Request);
        await ExecSpdy.ServeAttach(context, protocol, () => PodSessionOrNull(ns, name), () => _controlPlane.Store.Get("Pod", ns, name) != null, ns, name);
    }

    /// <summary>kubectl port-forward over SPDY (1.27-1.30, and later ones when WebSocket is refused): the pod checked before the upgrade.</summary>
    private async Task PortForwardOverSpdy(HttpContext context, string ns, string name)
    {
        ForwardTarget(ns, name);
        string protocol = Spdy.SpdyUpgrade.Negotiate(context.Request, [PortForwardSpdy.Protocol]) ?? throw new ApiException(403, "Forbidden",
            $"unable to upgrade: unable to negotiate protocol: client supports [{string.Join(' ', context.Request.Headers[Spdy.SpdyUpgrade.ProtocolVersionHeader].ToArray())}], server supports [{PortForwardSpdy.Protocol}]");
        await using Spdy.SpdyConnection connection = await Spdy.SpdyUpgrade.AcceptAsync(context, protocol);
        await PortForwardSpdy.ServeAsync(connection, () => ForwardSession(ns, name), ns, name);
    }

    /// <summary>kubectl port-forward from 1.31 on: the same SPDY frames, tunnelled in WebSocket binary messages.</summary>
    private async Task PortForwardOverWebSocket(HttpContext context, string ns, string name)
    {
        const string tunnelled = "SPDY/3.1+" + PortForwardSpdy.Protocol;
        if (!context.WebSockets.WebSocketRequestedProtocols.Contains(tunnelled))
        {
            throw new ApiException(400, "BadRequest", $"port-forward over WebSocket speaks {tunnelled}");
        }

        ForwardTarget(ns, name);
        using System.Net.WebSockets.WebSocket socket = await WebSocketHandshake.AcceptAsync(context, tunnelled);
        await using var connection = new Spdy.SpdyConnection(System.Net.WebSockets.WebSocketStream.Create(socket, System.Net.WebSockets.WebSocketMessageType.Binary, ownsWebSocket: false));
        await PortForwardSpdy.ServeAsync(connection, () => ForwardSession(ns, name), ns, name);
    }

    /// <summary>A pod can be forwarded to when it runs on a connected board (kubelet's "unable to do port forwarding" otherwise).</summary>
    private void ForwardTarget(string ns, string name)
    {
        KubeObject pod = Existing(_controlPlane.Store, KindInfo.ForKind("Pod")!, ns, name);
        string? phase = (string?)pod.Json["status"]?["phase"];
        if (phase != "Running")
        {
            throw new ApiException(400, "BadRequest", $"unable to forward port because pod is not running. Current status={phase ?? "Pending"}");
        }

        PodSession(ns, name);
    }

    private BoardClient ForwardSession(string ns, string name) =>
        PodSessionOrNull(ns, name) ?? throw new BoardSessionException($"pod {ns}/{name} is not on a connected board any more");

    /// <summary>What kubectl's exec query asks for, checked as kube-apiserver checks it: a command, the pod, its container, and the board it runs on.</summary>
    private (BoardClient Session, string[] Command) ExecTarget(HttpContext context, string ns, string name)
    {
        string[] command = context.Request.Query["command"].Select(c => c ?? "").ToArray();
        if (command.Length == 0)
        {
            throw new ApiException(400, "BadRequest", "you must specify at least 1 command");
        }

        CheckContainer(context, ns, name);
        return (PodSession(ns, name), command);
    }

    /// <summary>
    /// The container the query names (the pod's first when none), as the board needs it for
    /// `env`: whether the pod takes the Services' variables, and which of its variables come from
    /// Secrets (their values are not on the board).
    /// </summary>
    private ExecContainer ExecContainerFor(HttpContext context, string ns, string name)
    {
        KubeObject pod = Existing(_controlPlane.Store, KindInfo.ForKind("Pod")!, ns, name);
        JsonObject[] containers = (pod.Spec?["containers"] as JsonArray ?? []).OfType<JsonObject>().ToArray();
        string? wanted = context.Request.Query["container"];
        JsonObject container = containers.FirstOrDefault(c => (string?)c["name"] == wanted) ?? containers.FirstOrDefault() ?? [];
        var sources = new ContainerEnvironment.Sources(_controlPlane.Store.List("ConfigMap", ns).Items, _controlPlane.Store.List("Secret", ns).Items, _controlPlane.Store.List("Service").Items);
        return new ExecContainer((string?)container["name"] ?? "", (bool?)pod.Spec?["enableServiceLinks"] ?? true,
            string.Join(", ", ContainerEnvironment.FromSecrets(pod, container, sources)));
    }

    /// <summary>The pod exists, and has the container the query names (kube-apiserver's 400 when it has not); its containers' names.</summary>
    private string[] CheckContainer(HttpContext context, string ns, string name)
    {
        KubeObject pod = Existing(_controlPlane.Store, KindInfo.ForKind("Pod")!, ns, name);
        string? container = context.Request.Query["container"];
        string[] containers = (pod.Spec?["containers"] as JsonArray)?.Select(c => (string?)c?["name"] ?? "").ToArray() ?? [];
        if (!string.IsNullOrEmpty(container) && !containers.Contains(container))
        {
            throw new ApiException(400, "BadRequest", $"container {container} is not valid for pod {name}");
        }

        return containers;
    }

    /// <summary>The container whose log the query asks for, checked as kube-apiserver checks it: one of the pod's, and named when the pod has several.</summary>
    private string? LogContainer(HttpContext context, string ns, string name)
    {
        string[] containers = CheckContainer(context, ns, name);
        string? container = context.Request.Query["container"];
        if (!string.IsNullOrEmpty(container))
        {
            return container;
        }

        if (containers.Length > 1)
        {
            throw new ApiException(400, "BadRequest", $"a container name must be specified for pod {name}, choose one of: [{string.Join(" ", containers)}]");
        }

        return null;
    }

    private BoardClient NodeSession(string node) => _controlPlane.SessionFor(node)
        ?? throw new BoardSessionException($"node {node} is not connected to the control plane (edgectl get nodes shows its state)");

    /// <summary>The session to the board a pod runs on, or the reason there is none, in words for the user.</summary>
    private BoardClient PodSession(string ns, string name)
    {
        KubeObject pod = _controlPlane.Store.Get("Pod", ns, name)
            ?? throw new StoreException(StoreError.NotFound, $"pods \"{name}\" not found in namespace {ns}");
        string node = (string?)pod.Spec?["nodeName"]
            ?? throw new StoreException(StoreError.Conflict, $"pod {name} is not scheduled to a node yet (edgectl describe pod {name} says why)");
        return _controlPlane.SessionFor(node)
            ?? throw new BoardSessionException($"pod {name} runs on node {node}, which is not connected to the control plane");
    }
}
