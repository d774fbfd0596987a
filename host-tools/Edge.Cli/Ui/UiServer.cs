using System.Net;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Cli.Api;
using Edge.Dataplane.Wire;
using Edge.Host.Trace;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Edge.Cli.Ui;

/// <summary>
/// The lab in a browser: a page (Assets/, built into edgectl, nothing fetched from elsewhere) and
/// what it reads, served by Kestrel as the control plane's API is:
/// <list type="bullet">
/// <item><c>GET /</c>, <c>/lab.css</c>, <c>/lab.js</c>: the page;</item>
/// <item><c>GET /ui/v1/lab</c>: the <see cref="LabView"/> now (with <c>actions</c>: whether this
/// request may run traces and captures, see below);</item>
/// <item><c>GET /ui/v1/events</c>: server-sent events, a <c>lab</c> event with the whole view at
/// once and after every change the API's watches bring (changes that come together are sent as
/// one), and a <c>flow</c> event for each flow a board records from then on (<see cref="FlowFeed"/>);</item>
/// <item><c>GET /ui/v1/nodes/NODE/VIEW</c>: a board's iptables, ipvs, conntrack or policy view,
/// relayed from the API (<c>edgectl tables</c>' text);</item>
/// <item><c>POST /ui/v1/traces</c> (JSON: from, to, port, namespace, follow): a packet trace run
/// by the API (<c>edgectl trace</c>'s), answered as a <see cref="TraceView"/>;</item>
/// <item><c>GET /ui/v1/nodes/NODE/capture?port=overlay|POD&amp;namespace=NS&amp;seconds=N</c>: a pcap
/// file of N seconds (5 unless said, at most 60) of the board's overlay or a pod's port
/// (<c>edgectl capture</c>'s stream), whole packets only, as a download;</item>
/// <item><c>GET /healthz</c>.</item>
/// </list>
/// It shows the cluster without handing anyone control of it: it keeps the API's token to itself,
/// never relays a change to an object, and answers a trace (a pod made to send one packet) or a
/// capture (what pods say to each other) only to the machine it runs on, so serving it beyond
/// loopback (a projector's laptop, attendees on the LAN) lets others look, not act or listen.
/// A trace is a POST with a JSON body from this page's own origin (another site's page cannot send
/// one without the browser asking first, and is not answered). On loopback it takes only requests
/// addressed to loopback (a Host of 127.0.0.1, localhost or [::1]), so a web page elsewhere cannot
/// read it through a name it points at 127.0.0.1 (DNS rebinding).
/// </summary>
public sealed class UiServer : IAsyncDisposable
{
    /// <summary>A comment line on a quiet event stream this often, so a proxy or the browser sees it is alive.</summary>
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    /// <summary>A capture's length when the page does not say; and the most it may ask.</summary>
    public const int CaptureSeconds = 5;

    public const int MostCaptureSeconds = 60;

    private static readonly string[] Views = ["iptables", "ipvs", "conntrack", "policy"];

    /// <summary>How much longer than the trace's own wait the API is given to answer it (arming and reading the boards).</summary>
    private static readonly TimeSpan TraceSlack = TimeSpan.FromSeconds(30);

    private readonly WebApplication _app;
    private readonly ClusterMirror _mirror;
    private readonly FlowFeed _flows;
    private readonly Func<ApiClient> _connect;
    private readonly string _cluster;
    private readonly bool _loopbackOnly;

    private UiServer(WebApplication app, ClusterMirror mirror, FlowFeed flows, Func<ApiClient> connect, string cluster, bool loopbackOnly)
    {
        _app = app;
        _mirror = mirror;
        _flows = flows;
        _connect = connect;
        _cluster = cluster;
        _loopbackOnly = loopbackOnly;
    }

    public Uri Address { get; private set; } = null!;

    public static async Task<UiServer> StartAsync(ClusterMirror mirror, FlowFeed flows, Func<ApiClient> connect, string cluster, IPAddress listen, int port)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(listen, port));
        WebApplication app = builder.Build();
        var server = new UiServer(app, mirror, flows, connect, cluster, IPAddress.IsLoopback(listen));
        app.Run(server.Handle);
        try
        {
            await app.StartAsync();
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            throw new CliException($"cannot listen on {listen}:{port}: {e.Message} (give another with --port, or --port 0 for a free one)");
        }

        string url = app.Urls.First();
        server.Address = new Uri(url.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "[::1]", StringComparison.Ordinal));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>The view as the page gets it now; <paramref name="actions"/>: whether the page asking may run traces and captures.</summary>
    public JsonObject View(bool actions = false)
    {
        var (objects, revision, connected, problem) = _mirror.Snapshot();
        JsonObject view = LabView.Build(objects, new LabViewState(revision, connected, problem, _cluster));
        view["actions"] = actions;
        return view;
    }

    /// <summary>Whether a request comes from the machine the view runs on: only it may run a trace or a capture.</summary>
    public static bool MayAct(IPAddress? remote) => remote != null && IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote);

    /// <summary>
    /// Whether a POST is this page's own: JSON (another site's page cannot send that without the
    /// browser asking first, which this server never answers), and no Origin but its own.
    /// </summary>
    public static bool FromThisPage(HttpRequest request)
    {
        string? origin = request.Headers.Origin;
        return request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true
            && (string.IsNullOrEmpty(origin) || string.Equals(origin, $"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Whether a request is addressed to loopback by name: 127.x, localhost or [::1], with any port.</summary>
    public static bool LoopbackHost(string? host)
    {
        if (string.IsNullOrEmpty(host))
        {
            return false;
        }

        string name = host.StartsWith('[') ? host[..(host.IndexOf(']') + 1)] : host.Split(':')[0];
        return name.Equals("localhost", StringComparison.OrdinalIgnoreCase) || name == "[::1]"
            || (IPAddress.TryParse(name, out IPAddress? address) && IPAddress.IsLoopback(address));
    }

    private async Task Handle(HttpContext context)
    {
        HttpResponse response = context.Response;
        response.Headers["X-Content-Type-Options"] = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        // Only this server's own files run and load: no inline script, nothing from elsewhere.
        response.Headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
        if (_loopbackOnly && !LoopbackHost(context.Request.Host.Value))
        {
            await Text(context, 421, "this lab view answers requests for 127.0.0.1 or localhost only; to show it on other machines, start it with --address");
            return;
        }

        string path = context.Request.Path.Value ?? "/";
        if (path == "/ui/v1/traces")
        {
            if (!HttpMethods.IsPost(context.Request.Method))
            {
                response.Headers.Allow = "POST";
                await Text(context, 405, "a trace is asked with POST /ui/v1/traces and a JSON body: {\"from\": \"POD\", \"to\": \"svc/NAME\", \"port\": \"80\"}");
                return;
            }

            await Trace(context);
            return;
        }

        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            response.Headers.Allow = "GET, HEAD";
            await Text(context, 405, "the lab view is read-only (it takes a POST for /ui/v1/traces alone)");
            return;
        }

        switch (path)
        {
            case "/healthz":
                await Text(context, 200, "ok");
                return;
            case "/ui/v1/lab":
                response.Headers.CacheControl = "no-store";
                response.ContentType = "application/json";
                await response.WriteAsync(View(MayAct(context.Connection.RemoteIpAddress)).ToJsonString());
                return;
            case "/ui/v1/events":
                await Events(context);
                return;
        }

        if (path.StartsWith("/ui/v1/nodes/", StringComparison.Ordinal) && path.EndsWith("/capture", StringComparison.Ordinal))
        {
            await Capture(context, path["/ui/v1/nodes/".Length..^"/capture".Length]);
            return;
        }

        if (path.StartsWith("/ui/v1/nodes/", StringComparison.Ordinal))
        {
            await NodeView(context, path["/ui/v1/nodes/".Length..]);
            return;
        }

        if (Asset(path == "/" ? "index.html" : path.TrimStart('/')) is (byte[] bytes, string type))
        {
            response.ContentType = type;
            response.Headers.CacheControl = "no-cache";
            await response.Body.WriteAsync(bytes);
            return;
        }

        await Text(context, 404, $"no such page: {path}");
    }

    private async Task Events(HttpContext context)
    {
        HttpResponse response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-store";
        CancellationToken gone = context.RequestAborted;
        bool actions = MayAct(context.Connection.RemoteIpAddress);
        long sent = -1;
        long sentFlow = _flows.Last; // flows from the moment the page connects
        try
        {
            await response.WriteAsync("retry: 1000\n\n", gone);
            while (!gone.IsCancellationRequested)
            {
                bool wrote = false;
                if (_mirror.Revision != sent)
                {
                    JsonObject view = View(actions);
                    sent = (long)view["revision"]!;
                    await response.WriteAsync($"event: lab\nid: {sent}\ndata: {view.ToJsonString()}\n\n", gone);
                    wrote = true;
                }

                foreach ((long id, JsonObject flow) in _flows.After(sentFlow))
                {
                    await response.WriteAsync($"event: flow\ndata: {flow.ToJsonString()}\n\n", gone);
                    sentFlow = id;
                    wrote = true;
                }

                if (wrote)
                {
                    await response.Body.FlushAsync(gone);
                    continue;
                }

                using var quiet = CancellationTokenSource.CreateLinkedTokenSource(gone);
                quiet.CancelAfter(KeepAlive);
                Task lab = _mirror.WaitForChangeAsync(sent, quiet.Token);
                Task flows = _flows.WaitForFlowsAsync(sentFlow, quiet.Token);
                Task woke = await Task.WhenAny(lab, flows);
                await quiet.CancelAsync(); // the other wait ends too
                if (woke.IsCanceled && !gone.IsCancellationRequested)
                {
                    await response.WriteAsync(": quiet\n\n", gone);
                    await response.Body.FlushAsync(gone);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the page closed
        }
        catch (IOException)
        {
            // the page went away mid-write
        }
    }

    private async Task NodeView(HttpContext context, string rest)
    {
        string[] parts = rest.Split('/');
        if (parts.Length != 2 || parts[0].Length == 0 || !Views.Contains(parts[1]))
        {
            await Text(context, 404, $"a board's views are /ui/v1/nodes/NODE/{string.Join("|", Views)}");
            return;
        }

        try
        {
            using ApiClient api = _connect();
            string text = await api.GetTextAsync($"/api/v1/nodes/{Uri.EscapeDataString(Uri.UnescapeDataString(parts[0]))}/{parts[1]}", context.RequestAborted);
            context.Response.Headers.CacheControl = "no-store";
            await Text(context, 200, text);
        }
        catch (ApiException e)
        {
            await Text(context, e.Code, e.Message);
        }
        catch (CliException e)
        {
            await Text(context, 502, e.Message);
        }
    }

    private async Task Trace(HttpContext context)
    {
        if (!MayAct(context.Connection.RemoteIpAddress))
        {
            await Text(context, 403, "traces are run only from the machine the lab view runs on (a trace makes a pod send a packet): open the page there, or run edgectl trace");
            return;
        }

        if (!FromThisPage(context.Request))
        {
            await Text(context, 403, "a trace is asked by the lab view's own page, as JSON (Content-Type: application/json)");
            return;
        }

        TraceRequest request;
        try
        {
            request = ReadTraceRequest(await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted));
        }
        catch (Exception e) when (e is JsonException or CliException)
        {
            await Text(context, 400, e is CliException ? e.Message : "the trace asked is not JSON: " + e.Message);
            return;
        }

        TimeSpan allowed = request.Wait + TraceSlack;
        try
        {
            using ApiClient api = _connect();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            deadline.CancelAfter(allowed);
            JsonObject body = JsonSerializer.SerializeToNode(request, TraceJson.Options)!.AsObject();
            JsonObject answer = await api.PostAsync("/edge/v1/traces", body, deadline.Token);
            TraceResult result = answer.Deserialize<TraceResult>(TraceJson.Options) ?? throw new CliException("the control plane answered no trace");
            context.Response.Headers.CacheControl = "no-store";
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(TraceView.Build(result).ToJsonString(), context.RequestAborted);
        }
        catch (ApiException e)
        {
            await Text(context, e.Code, e.Message);
        }
        catch (CliException e)
        {
            await Text(context, 502, e.Message);
        }
        catch (JsonException e)
        {
            await Text(context, 502, "the control plane's trace could not be read: " + e.Message);
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            await Text(context, 504, $"the control plane did not answer the trace within {allowed.TotalSeconds:0} s: is the lab up? (edgectl lab status)");
        }
    }

    /// <summary>
    /// The trace a page asks for, as JSON: from (a pod, or node/NAME), to (a pod, svc/NAME,
    /// node/NAME or an IPv4 address), port (80, 53/UDP, a Service's port name; none: a ping),
    /// namespace (default), follow (trace the pod's next packet instead of sending one).
    /// </summary>
    public static TraceRequest ReadTraceRequest(JsonNode? body)
    {
        if (body is not JsonObject asked)
        {
            throw new CliException("give the trace as a JSON object: {\"from\": \"POD\", \"to\": \"svc/NAME\", \"port\": \"80\"}");
        }

        string? Field(string name) => asked[name] switch
        {
            null => null,
            JsonValue v when v.TryGetValue(out string? text) => text.Trim(),
            JsonValue v when v.TryGetValue(out int number) => number.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => throw new CliException($"{name}: give it as text"),
        };

        string from = Field("from") is { Length: > 0 } f ? f : throw new CliException("choose where the packet starts (from: a pod)");
        string to = Field("to") is { Length: > 0 } t ? t : throw new CliException("choose where it goes (to: a pod, svc/NAME, node/NAME or an IPv4 address)");
        bool follow = asked["follow"] switch
        {
            null => false,
            JsonValue v when v.TryGetValue(out bool b) => b,
            _ => throw new CliException("follow: give true or false"),
        };
        return new TraceRequest(from, to, Field("port") is { Length: > 0 } port ? port : null, Field("namespace") is { Length: > 0 } ns ? ns : "default", follow);
    }

    private async Task Capture(HttpContext context, string nodePart)
    {
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            // A capture runs for its seconds and listens to pods: only a GET, never a HEAD that asks after it, starts one.
            context.Response.Headers.Allow = "GET";
            await Text(context, 405, "a capture is downloaded with GET; nothing else starts one");
            return;
        }

        if (!MayAct(context.Connection.RemoteIpAddress))
        {
            await Text(context, 403, "captures are taken only from the machine the lab view runs on (they show what pods say): open the page there, or run edgectl capture");
            return;
        }

        string node = Uri.UnescapeDataString(nodePart);
        IQueryCollection query = context.Request.Query;
        string port = query["port"].FirstOrDefault() is { Length: > 0 } p ? p : "overlay";
        string ns = query["namespace"].FirstOrDefault() is { Length: > 0 } n ? n : "default";
        int seconds = CaptureSeconds;
        if (node.Length == 0 || node.Contains('/'))
        {
            await Text(context, 404, "a capture is /ui/v1/nodes/NODE/capture?port=overlay|POD&namespace=NS&seconds=N");
            return;
        }

        if (query["seconds"].FirstOrDefault() is string asked
            && (!int.TryParse(asked, System.Globalization.CultureInfo.InvariantCulture, out seconds) || seconds is < 1 or > MostCaptureSeconds))
        {
            await Text(context, 400, $"seconds={asked}: give 1-{MostCaptureSeconds} (for longer, edgectl capture {node} --port {port} -w FILE runs until Ctrl+C)");
            return;
        }

        string file = FileName($"{node}-{(port == "overlay" ? "overlay" : ns + "-" + port)}-{DateTime.Now:yyyyMMdd-HHmmss}") + ".pcap";
        string path = $"/api/v1/nodes/{Uri.EscapeDataString(node)}/capture?port={Uri.EscapeDataString(port)}&namespace={Uri.EscapeDataString(ns)}";
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        try
        {
            using ApiClient api = _connect();
            await using var body = new WholeRecords(context.Response.Body);
            await api.StreamAsync(path, body, stop.Token, () =>
            {
                // The board said yes: the file's headers, and its time starts now.
                context.Response.ContentType = "application/vnd.tcpdump.pcap";
                context.Response.Headers.CacheControl = "no-store";
                context.Response.Headers.ContentDisposition = new Microsoft.Net.Http.Headers.ContentDispositionHeaderValue("attachment") { FileName = file }.ToString();
                stop.CancelAfter(TimeSpan.FromSeconds(seconds));
            });
            await body.EndAsync(context.RequestAborted);
        }
        catch (CliException e) when (!context.Response.HasStarted)
        {
            await Text(context, e is ApiException api ? api.Code : 502, e.Message);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // the page went away mid-download
        }
    }

    // Letters, digits, dot, dash and underscore: a name every system saves as it is.
    private static string FileName(string name) => string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '-'));

    /// <summary>
    /// A response body given whole pcap records only (the file header, then each record once all of
    /// it has come: <see cref="Output.PcapWholeRecords"/>), so a download cut at its time is a file
    /// Wireshark opens; written to Kestrel asynchronously (it refuses synchronous writes). A board
    /// sends the file header with its first packet: when none came, <see cref="EndAsync"/> writes
    /// the header alone (an empty capture, still a pcap file).
    /// </summary>
    private sealed class WholeRecords : Stream
    {
        private readonly Stream _body;
        private readonly MemoryStream _ready = new();
        private readonly Output.PcapWholeRecords _records;

        public WholeRecords(Stream body)
        {
            _body = body;
            _records = new Output.PcapWholeRecords(_ready);
        }

        private bool _wrote;

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancel = default)
        {
            _records.Write(buffer.ToArray(), 0, buffer.Length);
            if (_ready.Length > 0)
            {
                await _body.WriteAsync(_ready.GetBuffer().AsMemory(0, (int)_ready.Length), cancel);
                _ready.SetLength(0);
                _wrote = true;
            }
        }

        /// <summary>The capture is over: a file with no packet still gets its header.</summary>
        public async Task EndAsync(CancellationToken cancel)
        {
            if (!_wrote)
            {
                byte[] header = new byte[Pcap.FileHeaderLength];
                Pcap.EmitFileHeader(header, 0, Pcap.DefaultSnapLength, Pcap.LinkTypeEthernet);
                await _body.WriteAsync(header, cancel);
                _wrote = true;
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancel) =>
            WriteAsync(buffer.AsMemory(offset, count), cancel).AsTask();

        public override Task FlushAsync(CancellationToken cancel) => _body.FlushAsync(cancel);

        public override void Flush() => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private static async Task Text(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(text.EndsWith('\n') || text.Length == 0 ? text : text + "\n");
    }

    /// <summary>A file of the page, from the resources built into edgectl (Ui/Assets), with its content type; null when there is none.</summary>
    public static (byte[] Bytes, string Type)? Asset(string name)
    {
        string? type = Path.GetExtension(name) switch
        {
            ".html" => "text/html; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            ".svg" => "image/svg+xml",
            _ => null,
        };
        if (type == null || name.Contains('/') || name.Contains('\\'))
        {
            return null;
        }

        using Stream? stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Edge.Cli.Ui.Assets." + name);
        if (stream == null)
        {
            return null;
        }

        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return (copy.ToArray(), type);
    }
}
