using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Cli.Api;
using Edge.Cli.Ui;
using Edge.Dataplane.Wire;
using Edge.Host.Api;
using Edge.Host.Cluster;
using Edge.Host.Objects;
using Edge.Host.Store;
using Edge.Host.Trace;
using Microsoft.AspNetCore.Http;

namespace Edge.Cli.Tests.Ui;

/// <summary>
/// `edgectl ui`'s server against a control plane's API in this process (no boards: objects are
/// stored as the controllers would have left them): the page's files, the lab view and its event
/// stream following the API's watches, the boards' tables relayed, traces and captures asked of
/// the API (or of a stand-in for it, FakeApi, where only boards could answer), and what it refuses.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class UiServerTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-ui-server-").FullName;
    private ObjectStore _store = null!;
    private ControlPlane _controlPlane = null!;
    private ApiServer _api = null!;
    private ClusterMirror _mirror = null!;
    private FlowFeed _flows = null!;
    private UiServer _ui = null!;
    private HttpClient _http = null!;

    private static KubeObject Pod(string name, string ip) => new((JsonObject)JsonNode.Parse($$$"""
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "{{{name}}}", "namespace": "default", "labels": {"app": "web"}},
         "spec": {"nodeName": "node-1", "containers": [{"name": "whoami", "image": "whoami"}]},
         "status": {"phase": "Running", "podIP": "{{{ip}}}", "conditions": [{"type": "Ready", "status": "True"}]}}
        """)!);

    public async Task InitializeAsync()
    {
        _store = ObjectStore.Open(Path.Combine(_dir, "lab.db"));
        _store.Create(Pod("web-a", "10.244.1.5"));
        _controlPlane = new ControlPlane(_store);
        _api = await ApiServer.StartAsync(_controlPlane, IPAddress.Loopback, 0, token: null);
        ApiClient Connect() => new(_api.Address.ToString(), null);
        _mirror = new ClusterMirror(Connect, TextWriter.Null);
        _mirror.Start();
        _flows = new FlowFeed(Connect, TextWriter.Null); // not started: these tests give it the boards' words themselves
        _ui = await UiServer.StartAsync(_mirror, _flows, Connect, "test", IPAddress.Loopback, 0);
        _http = new HttpClient { BaseAddress = _ui.Address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _ui.DisposeAsync();
        await _flows.DisposeAsync();
        await _mirror.DisposeAsync();
        await _api.DisposeAsync();
        await _controlPlane.DisposeAsync();
        _store.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task The_page_and_its_files_come_from_edgectl_itself_with_nothing_loaded_from_elsewhere()
    {
        using HttpResponseMessage page = await _http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        string html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<script src=\"lab.js\" defer></script>", html);
        Assert.DoesNotContain("http", html.Replace("http://www.w3.org/2000/svg", "", StringComparison.Ordinal), StringComparison.Ordinal); // nothing from another site
        Assert.StartsWith("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);

        foreach ((string path, string type) in new[] { ("/lab.js", "text/javascript"), ("/lab.css", "text/css") })
        {
            using HttpResponseMessage file = await _http.GetAsync(path);
            Assert.Equal((HttpStatusCode.OK, type), (file.StatusCode, file.Content.Headers.ContentType?.MediaType));
        }

        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/nothing.js")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/Ui/Assets/lab.js")).StatusCode);
    }

    [Fact]
    public async Task The_event_stream_sends_the_lab_at_once_then_each_change_the_watches_bring()
    {
        using HttpResponseMessage response = await _http.GetAsync("/ui/v1/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var events = new StreamReader(await response.Content.ReadAsStreamAsync());

        // Each kind is listed on its own: the view says it is connected once all of them are followed.
        JsonObject first = await NextLab(events, v => (bool)v["connected"]! && Pods(v).Contains("default/web-a"));
        Assert.Null(first["problem"]);

        _store.Create(Pod("web-b", "10.244.1.6"));
        JsonObject added = await NextLab(events, v => Pods(v).Contains("default/web-b"));
        Assert.True((long)added["revision"]! > (long)first["revision"]!);

        _store.Delete("Pod", "default", "web-a");
        JsonObject deleted = await NextLab(events, v => !Pods(v).Contains("default/web-a"));
        Assert.Equal(["default/web-b"], Pods(deleted));

        JsonObject now = JsonNode.Parse(await _http.GetStringAsync("/ui/v1/lab"))!.AsObject();
        Assert.Equal(["default/web-b"], Pods(now));
    }

    [Fact]
    public async Task Flows_the_boards_record_after_the_page_connects_come_as_flow_events_with_their_words()
    {
        using HttpResponseMessage response = await _http.GetAsync("/ui/v1/events", HttpCompletionOption.ResponseHeadersRead);
        using var events = new StreamReader(await response.Content.ReadAsStreamAsync());
        await NextLab(events, v => (bool)v["connected"]!);

        var names = new Edge.Cli.Commands.Flows.FlowNames([Pod("web-a", "10.244.1.5")], []);
        _flows.Add("node-1", DateTime.UtcNow, Edge.Host.Flows.FlowBatch.Parse("""
            flows 1 1 256 5000
            1 4990 service TCP 10.244.1.9:40001 10.96.0.10:80 dnat 10.244.1.5:80 service default/web:http pick 1/1

            """), names);

        JsonObject flow = await Next(events, "flow", _ => true);
        Assert.Equal(("node-1", "service", "FORWARDED"), ((string?)flow["node_name"], (string?)flow["type"], (string?)flow["verdict"]));
        Assert.Equal(("10.244.1.9", "10.96.0.10", "default/web-a"), ((string?)flow["source"]!["ip"], (string?)flow["destination"]!["ip"], (string?)flow["translated_destination"]!["name"]));
        Assert.Equal("service default/web:http: DNAT to default/web-a:80, pick 1 of 1", (string?)flow["summary"]);
    }

    [Fact]
    public async Task It_is_read_only_and_on_loopback_answers_only_requests_addressed_to_loopback()
    {
        using HttpResponseMessage post = await _http.PostAsync("/ui/v1/lab", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);

        using var rebound = new HttpRequestMessage(HttpMethod.Get, "/ui/v1/lab");
        rebound.Headers.Host = "attacker.example:" + _ui.Address.Port;
        using HttpResponseMessage refused = await _http.SendAsync(rebound);
        Assert.Equal(HttpStatusCode.MisdirectedRequest, refused.StatusCode);

        Assert.True(UiServer.LoopbackHost("127.0.0.1:8080"));
        Assert.True(UiServer.LoopbackHost("localhost:8080"));
        Assert.True(UiServer.LoopbackHost("[::1]:8080"));
        Assert.True(UiServer.LoopbackHost("127.0.10.5"));
        Assert.False(UiServer.LoopbackHost("127.0.0.1.attacker.example"));
        Assert.False(UiServer.LoopbackHost("192.0.2.1:8080"));
        Assert.False(UiServer.LoopbackHost(null));
    }

    [Fact]
    public async Task A_boards_tables_are_relayed_from_the_api_and_its_refusals_with_them()
    {
        using HttpResponseMessage bogus = await _http.GetAsync("/ui/v1/nodes/node-1/bogus");
        Assert.Equal(HttpStatusCode.NotFound, bogus.StatusCode);
        Assert.Contains("iptables|ipvs|conntrack|policy", await bogus.Content.ReadAsStringAsync());

        using HttpResponseMessage direct = await new HttpClient().GetAsync(new Uri(_api.Address, "/api/v1/nodes/node-9/iptables"));
        using HttpResponseMessage relayed = await _http.GetAsync("/ui/v1/nodes/node-9/iptables");
        Assert.Equal(direct.StatusCode, relayed.StatusCode);
        string said = (string)JsonNode.Parse(await direct.Content.ReadAsStringAsync())!["message"]!;
        Assert.Equal(said + "\n", await relayed.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_trace_is_asked_of_the_api_as_edgectl_trace_asks_it_and_answered_with_each_hops_words_and_place()
    {
        (string? Path, string? Type, bool Origin, JsonNode? Body) asked = default;
        await using FakeApi api = await FakeApi.StartAsync(async context =>
        {
            asked = (context.Request.Path.Value, context.Request.ContentType, context.Request.Headers.ContainsKey("Origin"), await JsonNode.ParseAsync(context.Request.Body));
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(TraceFixtures.CrossBoard);
        });
        await using UiServer ui = await UiServer.StartAsync(_mirror, _flows, api.Connect, "test", IPAddress.Loopback, 0);
        using var http = new HttpClient { BaseAddress = ui.Address, Timeout = TimeSpan.FromSeconds(30) };

        using var request = new HttpRequestMessage(HttpMethod.Post, "/ui/v1/traces") { Content = Json("""{"from": "pod/client", "to": "svc/web", "port": "80", "namespace": "default"}""") };
        request.Headers.Add("Origin", ui.Address.GetLeftPart(UriPartial.Authority)); // as the page's own fetch says it
        using HttpResponseMessage response = await http.SendAsync(request);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        // Asked as edgectl trace asks: the same request, as JSON and with no Origin (the API refuses a browser's writes).
        Assert.Equal(("/edge/v1/traces", false), (asked.Path, asked.Origin));
        Assert.StartsWith("application/json", asked.Type, StringComparison.Ordinal);
        Assert.Equal(new TraceRequest("pod/client", "svc/web", "80", "default"), asked.Body.Deserialize<TraceRequest>(TraceJson.Options));

        JsonObject view = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal((TraceView.Kind, "DELIVERED on node-2 and answered: 12 hops"), ((string?)view["kind"], (string?)view["verdict"]));
        Assert.Equal(Enumerable.Range(1, 12), view["hops"]!.AsArray().Select(h => (int)h!["number"]!));
        Assert.Contains("DNAT to default/web-67d9dd6897-tcr8m:80", (string?)view["hops"]![1]!["decisions"]![0], StringComparison.Ordinal);
        Assert.Equal("node-1>node-2", $"{view["hops"]![2]!["arc"]!["from"]}>{view["hops"]![2]!["arc"]!["to"]}");
    }

    [Fact]
    public async Task A_trace_the_api_refuses_is_refused_in_its_words()
    {
        // web-a is stored on node-1, whose board is not connected: the API says so, the page gets what it said.
        const string body = """{"from": "web-a", "to": "10.244.1.9", "namespace": "default"}""";
        using HttpResponseMessage direct = await new HttpClient().PostAsync(new Uri(_api.Address, "/edge/v1/traces"), Json(body));
        using HttpResponseMessage relayed = await _http.PostAsync("/ui/v1/traces", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, direct.StatusCode);
        Assert.Equal(direct.StatusCode, relayed.StatusCode);
        string said = (string)JsonNode.Parse(await direct.Content.ReadAsStringAsync())!["message"]!;
        Assert.Contains("node-1", said, StringComparison.Ordinal);
        Assert.Equal(said + "\n", await relayed.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_trace_is_taken_only_as_json_from_the_page_itself()
    {
        // Another site's page can post a form (no JSON) without the browser asking, or say its own Origin: neither is run.
        using HttpResponseMessage form = await _http.PostAsync("/ui/v1/traces", new StringContent("from=client&to=web", Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.Forbidden, form.StatusCode);
        using var foreign = new HttpRequestMessage(HttpMethod.Post, "/ui/v1/traces") { Content = Json("""{"from": "client", "to": "web"}""") };
        foreign.Headers.Add("Origin", "http://attacker.example");
        using HttpResponseMessage refused = await _http.SendAsync(foreign);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("own page", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using HttpResponseMessage get = await _http.GetAsync("/ui/v1/traces");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
        Assert.Contains("POST /ui/v1/traces", await get.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using HttpResponseMessage nothing = await _http.PostAsync("/ui/v1/traces", Json("""{"to": "svc/web"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, nothing.StatusCode);
        Assert.Equal("choose where the packet starts (from: a pod)\n", await nothing.Content.ReadAsStringAsync());
    }

    [Fact]
    public void The_page_asks_a_trace_in_the_words_edgectl_trace_takes_and_what_it_leaves_out_or_gets_wrong_is_said()
    {
        Assert.Equal(new TraceRequest("client", "svc/web", "80", "default", Follow: true),
            UiServer.ReadTraceRequest(JsonNode.Parse("""{"from": " client ", "to": "svc/web", "port": 80, "follow": true}""")));
        Assert.Equal(new TraceRequest("pod/a", "10.244.2.7", null, "shop"),
            UiServer.ReadTraceRequest(JsonNode.Parse("""{"from": "pod/a", "to": "10.244.2.7", "port": "", "namespace": "shop"}""")));

        foreach ((string body, string said) in new[]
        {
            ("[]", "give the trace as a JSON object: {\"from\": \"POD\", \"to\": \"svc/NAME\", \"port\": \"80\"}"),
            ("""{"from": "client"}""", "choose where it goes (to: a pod, svc/NAME, node/NAME or an IPv4 address)"),
            ("""{"from": "client", "to": "web", "follow": "yes"}""", "follow: give true or false"),
            ("""{"from": {"pod": "client"}, "to": "web"}""", "from: give it as text"),
        })
        {
            Assert.Equal(said, Assert.Throws<CliException>(() => UiServer.ReadTraceRequest(JsonNode.Parse(body))).Message);
        }
    }

    [Fact]
    public async Task Only_the_machine_the_view_runs_on_may_trace_or_capture_and_the_page_is_told_whether_it_may()
    {
        Assert.True(UiServer.MayAct(IPAddress.Loopback));
        Assert.True(UiServer.MayAct(IPAddress.Parse("::ffff:127.0.0.1")));
        Assert.True(UiServer.MayAct(IPAddress.IPv6Loopback));
        Assert.False(UiServer.MayAct(IPAddress.Parse("192.0.2.7")));
        Assert.False(UiServer.MayAct(null));
        Assert.True((bool)JsonNode.Parse(await _http.GetStringAsync("/ui/v1/lab"))!["actions"]!);
    }

    [Fact]
    public async Task A_capture_download_is_a_named_pcap_of_whole_packets_cut_at_its_seconds()
    {
        byte[] header = new byte[Pcap.FileHeaderLength];
        Pcap.EmitFileHeader(header, 0, Pcap.DefaultSnapLength, Pcap.LinkTypeEthernet);
        byte[] packet = new byte[Pcap.RecordHeaderLength + 60];
        Pcap.EmitRecordHeader(packet, 0, 1, 2, 60, 60);
        string? asked = null;
        await using FakeApi api = await FakeApi.StartAsync(async context =>
        {
            // A live capture: two packets and the start of a third, then nothing more until the client hangs up.
            asked = context.Request.Path.Value + context.Request.QueryString.Value;
            context.Response.ContentType = "application/vnd.tcpdump.pcap";
            byte[] sent = [.. header, .. packet, .. packet, .. packet[..30]];
            await context.Response.Body.WriteAsync(sent);
            await context.Response.Body.FlushAsync();
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        });
        await using UiServer ui = await UiServer.StartAsync(_mirror, _flows, api.Connect, "test", IPAddress.Loopback, 0);
        using var http = new HttpClient { BaseAddress = ui.Address, Timeout = TimeSpan.FromSeconds(30) };

        var clock = Stopwatch.StartNew();
        using HttpResponseMessage response = await http.GetAsync("/ui/v1/nodes/node-1/capture?port=client&namespace=default&seconds=1");
        byte[] file = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(20)); // ended by its seconds, not by the stream
        Assert.Equal("/api/v1/nodes/node-1/capture?port=client&namespace=default", asked);
        Assert.Equal("application/vnd.tcpdump.pcap", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Matches(@"^node-1-default-client-\d{8}-\d{6}\.pcap$", response.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal([.. header, .. packet, .. packet], file); // the packet cut short is not in the file
    }

    [Fact]
    public async Task A_capture_with_no_packet_is_still_a_pcap_and_one_the_api_refuses_says_why()
    {
        await using FakeApi quiet = await FakeApi.StartAsync(async context =>
        {
            // A board sends the file header with its first packet: none comes.
            context.Response.ContentType = "application/vnd.tcpdump.pcap";
            await context.Response.StartAsync();
            await context.Response.Body.FlushAsync();
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        });
        await using UiServer ui = await UiServer.StartAsync(_mirror, _flows, quiet.Connect, "test", IPAddress.Loopback, 0);
        using var http = new HttpClient { BaseAddress = ui.Address, Timeout = TimeSpan.FromSeconds(30) };
        byte[] empty = await http.GetByteArrayAsync("/ui/v1/nodes/node-1/capture?seconds=1");
        Assert.Equal(Pcap.FileHeaderLength, empty.Length);
        Assert.Equal(WireError.None, Pcap.ParseFileHeader(empty, 0, empty.Length, new PcapFormat(), out uint link));
        Assert.Equal(Pcap.LinkTypeEthernet, link);

        // The real API, no board connected: its words, with its code.
        using HttpResponseMessage direct = await new HttpClient().GetAsync(new Uri(_api.Address, "/api/v1/nodes/node-9/capture?port=overlay&namespace=default"));
        using HttpResponseMessage relayed = await _http.GetAsync("/ui/v1/nodes/node-9/capture");
        Assert.False(direct.IsSuccessStatusCode);
        Assert.Equal(direct.StatusCode, relayed.StatusCode);
        Assert.Equal((string)JsonNode.Parse(await direct.Content.ReadAsStringAsync())!["message"]! + "\n", await relayed.Content.ReadAsStringAsync());

        // Only a GET starts one: a HEAD (a browser or a link checker asking after the file) is answered at once and listens to nothing.
        int asked = 0;
        await using FakeApi counting = await FakeApi.StartAsync(context =>
        {
            Interlocked.Increment(ref asked);
            return Task.CompletedTask;
        });
        await using UiServer headed = await UiServer.StartAsync(_mirror, _flows, counting.Connect, "test", IPAddress.Loopback, 0);
        using HttpResponseMessage head = await new HttpClient { BaseAddress = headed.Address }.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/ui/v1/nodes/node-1/capture?seconds=5"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, head.StatusCode);
        Assert.Equal(["GET"], head.Content.Headers.Allow);
        Assert.Equal(0, asked);

        using HttpResponseMessage tooLong = await _http.GetAsync("/ui/v1/nodes/node-1/capture?seconds=600");
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Equal("seconds=600: give 1-60 (for longer, edgectl capture node-1 --port overlay -w FILE runs until Ctrl+C)\n", await tooLong.Content.ReadAsStringAsync());
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static List<string> Pods(JsonObject view) => view["pods"]!.AsArray().Select(p => (string)p!["key"]!).ToList();

    /// <summary>The next `lab` event that satisfies the condition (earlier ones skipped), within 10 s.</summary>
    private static Task<JsonObject> NextLab(StreamReader events, Func<JsonObject, bool> condition) => Next(events, "lab", condition);

    private static async Task<JsonObject> Next(StreamReader events, string kind, Func<JsonObject, bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        string? type = null;
        while (await events.ReadLineAsync(deadline.Token) is string line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && type == kind
                && JsonNode.Parse(line["data: ".Length..]) is JsonObject view && condition(view))
            {
                return view;
            }
        }

        throw new InvalidOperationException("the event stream ended");
    }
}
