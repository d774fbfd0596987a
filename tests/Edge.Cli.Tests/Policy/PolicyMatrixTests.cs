using System.Collections.Concurrent;
using System.CommandLine;
using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Cli.Api;
using Edge.Cli.Commands.Policy;
using Edge.Dataplane.Wire;
using Edge.Host.Api;
using Edge.Host.Objects;

namespace Edge.Cli.Tests.Policy;

/// <summary>
/// `edgectl policy matrix` without boards: the matrix as printed, the scheduling of probes
/// (side by side, one per board at a time, all of them once), what nc's exit codes and words
/// mean, and the whole verb against a control plane's API in this process with a fake prober.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class PolicyMatrixTests() : PolicyTestApi("matrix")
{
    private static readonly PortArgument Tcp80 = new(80, IpProtocol.Tcp);
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static uint Ip(string text) => Ipv4Address.TryParse(text, out uint ip) ? ip : throw new ArgumentException(text);

    /// <summary>A pod on node-BOARD; its address is not what these tests are about.</summary>
    private static MatrixPod Pod(string label, int board)
    {
        string[] parts = label.Split('/');
        return new MatrixPod(parts[0], parts[1], Ip($"10.244.{board}.{2 + parts[1][0] - 'a'}"), $"node-{board}");
    }

    /// <summary>x/a, x/b, y/a, y/b on three boards, with the outcomes of <paramref name="rows"/> (one string of marks per source).</summary>
    private static ReachabilityMatrix Matrix(string[] rows, PortArgument port, IReadOnlyList<SkippedPod>? skipped = null, bool?[]? expected = null)
    {
        MatrixPod[] pods = [Pod("x/a", 1), Pod("x/b", 2), Pod("y/a", 3), Pod("y/b", 1)];
        var cells = new List<MatrixCell>();
        for (int from = 0; from < pods.Length; from++)
        {
            for (int to = 0; to < pods.Length; to++)
            {
                ProbeResult result = rows[from][to] switch
                {
                    '.' => new ProbeResult(ProbeOutcome.Connected),
                    'X' => new ProbeResult(ProbeOutcome.Blocked, "nc: can't connect to remote host: connection timed out"),
                    'R' => new ProbeResult(ProbeOutcome.Refused, "nc: can't connect to remote host: connection refused"),
                    _ => new ProbeResult(ProbeOutcome.Failed, "no socket left in the pod"),
                };
                cells.Add(new MatrixCell(pods[from], pods[to], result, expected?[from * pods.Length + to]));
            }
        }

        return new ReachabilityMatrix(pods, port, 1, cells, skipped ?? []);
    }

    private static string Text(ReachabilityMatrix matrix)
    {
        var o = new StringWriter();
        PolicyMatrixPrinter.WriteText(o, matrix);
        return o.ToString();
    }

    [Fact]
    public void The_matrix_is_upstreams_truth_table_then_a_summary_a_legend_and_the_pods_left_out()
    {
        ReachabilityMatrix matrix = Matrix(["..XX", "..XX", "...X", "..X."], Tcp80,
            [new SkippedPod("x/c", "Pending"), new SkippedPod("y/old", "Completed")]);

        Assert.Equal("""
            -     x/a   x/b   y/a   y/b
            x/a   .     .     X     X
            x/b   .     .     X     X
            y/a   .     .     .     X
            y/b   .     .     X     .

            16 probes: 10 connected, 6 blocked
            TCP 80, sources down, destinations across: "." connected, "X" blocked (no connection within 1 s)
            skipped, not Running or no IP: x/c (Pending), y/old (Completed)

            """, Text(matrix));
    }

    [Fact]
    public void Refused_and_failed_probes_have_their_own_marks_counts_and_legend()
    {
        string text = Text(Matrix(["R..X", ".?..", "....", "...."], Tcp80));

        Assert.StartsWith("""
            -     x/a   x/b   y/a   y/b
            x/a   R     .     .     X
            x/b   .     ?     .     .

            """, text);
        Assert.Contains("\n16 probes: 13 connected, 1 blocked, 1 refused, 1 failed\n", text);
        Assert.Contains(""", "R" refused (through the network, but nothing listens on the port), "?" the probe could not run (see the errors)""", text);
    }

    [Fact]
    public void With_expectations_a_bang_marks_the_cells_where_the_boards_and_the_computation_differ()
    {
        bool?[] expected = Enumerable.Repeat<bool?>(true, 16).ToArray();
        expected[2] = false; // x/a -> y/a computed denied, and blocked: they agree
        expected[3] = false; // x/a -> y/b computed denied, yet it connected
        expected[4] = null; // x/b -> x/a no verdict (the pod went away since the listing): nothing to compare
        expected[11] = false; // y/a -> y/b computed denied, yet refused: the packet got through
        ReachabilityMatrix matrix = Matrix(["..X.", "X...", "...R", "...."], Tcp80, expected: expected);

        string text = Text(matrix);

        Assert.StartsWith("""
            -     x/a   x/b   y/a   y/b
            x/a   .     .     X     .!
            x/b   X     .     .     .
            y/a   .     .     .     R!
            y/b   .     .     .     .

            16 probes: 13 connected, 2 blocked, 1 refused; 2 differ from policy check

            """, text);
        Assert.EndsWith("\"R\" refused (through the network, but nothing listens on the port), \"!\" after a mark: policy check computes the opposite\n", text);
    }

    [Fact]
    public void A_udp_probe_without_an_answer_is_an_X_that_is_never_called_a_difference()
    {
        PortArgument udp = new(7, IpProtocol.Udp);
        ProbeResult silent = NcProber.Classify(udp, 0, "", "");
        var pods = new[] { Pod("x/a", 1), Pod("x/b", 2) };
        var matrix = new ReachabilityMatrix(pods, udp, 2,
        [
            new MatrixCell(pods[0], pods[0], new ProbeResult(ProbeOutcome.Connected), Expected: true),
            new MatrixCell(pods[0], pods[1], silent, Expected: true),
            new MatrixCell(pods[1], pods[0], new ProbeResult(ProbeOutcome.Connected), Expected: false),
            new MatrixCell(pods[1], pods[1], silent, Expected: false),
        ], []);

        Assert.Equal("""
            -     x/a   x/b
            x/a   .     X
            x/b   .!    X

            4 probes: 2 connected, 2 blocked; 1 differ from policy check
            UDP 7, sources down, destinations across: "." answered, "X" no answer within 2 s (blocked, or nothing answers on the port), "!" after a mark: policy check computes the opposite ("X" is not compared: no answer may mean nothing answers)

            """, Text(matrix));
    }

    [Fact]
    public void The_summary_counts_as_the_brief_says_for_nine_pods()
    {
        MatrixPod[] pods = Enumerable.Range(0, 9).Select(i => Pod($"{"xyz"[i / 3]}/{"abc"[i % 3]}", 1 + i % 3)).ToArray();
        var cells = pods.SelectMany((from, i) => pods.Select((to, j) =>
            new MatrixCell(from, to, new ProbeResult(i * 9 + j < 11 ? ProbeOutcome.Blocked : ProbeOutcome.Connected)))).ToList();

        Assert.Equal("81 probes: 70 connected, 11 blocked", PolicyMatrixPrinter.Summary(new ReachabilityMatrix(pods, Tcp80, 1, cells, [])));
    }

    [Fact]
    public void Json_gives_each_cell_as_an_object_with_the_counts_and_the_pods_left_out()
    {
        bool?[] expected = Enumerable.Repeat<bool?>(true, 16).ToArray();
        JsonObject json = PolicyMatrixPrinter.ToJson(Matrix(["..XX", "..XX", "...X", "..X."], Tcp80, [new SkippedPod("x/c", "Pending")], expected));

        Assert.Equal(("TCP", 80, 1), ((string?)json["protocol"], (int)json["port"]!, (int)json["timeoutSeconds"]!));
        Assert.Equal(["x/a", "x/b", "y/a", "y/b"], json["pods"]!.AsArray().Select(p => $"{p!["namespace"]}/{p["name"]}"));
        Assert.Equal("node-3", (string?)json["pods"]![2]!["node"]);
        Assert.Equal((16, 10, 6, 0, 0, 6), ((int)json["probes"]!, (int)json["connected"]!, (int)json["blocked"]!, (int)json["refused"]!, (int)json["failed"]!, (int)json["differing"]!));
        JsonNode cell = json["cells"]![2]!;
        Assert.Equal("""
            {"from":"x/a","to":"y/a","result":"blocked","mark":"X!","detail":"nc: can't connect to remote host: connection timed out","expected":"allowed","differs":true}
            """, cell.ToJsonString(Relaxed));
        Assert.Equal("""{"from":"x/a","to":"x/a","result":"connected","mark":".","expected":"allowed","differs":false}""", json["cells"]![0]!.ToJsonString(Relaxed));
        Assert.Equal("""[{"pod":"x/c","reason":"Pending"}]""", json["skipped"]!.ToJsonString());
    }

    [Theory]
    [InlineData(0, "", "", "Connected", "")]
    [InlineData(1, "", "nc: can't connect to remote host 10.244.1.2 (10.244.1.2:80): connection refused\n", "Refused", "nc: can't connect to remote host 10.244.1.2 (10.244.1.2:80): connection refused")]
    [InlineData(1, "", "nc: can't connect to remote host 10.244.1.2 (10.244.1.2:80): connection timed out\n", "Blocked", "nc: can't connect to remote host 10.244.1.2 (10.244.1.2:80): connection timed out")]
    [InlineData(1, "", "nc: can't connect to remote host 10.244.1.2 (10.244.1.2:80): no route to host\n", "Blocked", "nc: can't connect to remote host 10.244.1.2 (10.244.1.2:80): no route to host")]
    [InlineData(1, "", "nc: socket: no socket left in the pod\n", "Failed", "nc: socket: no socket left in the pod (exit 1)")]
    [InlineData(126, "", "exec: this board is already running a command (one at a time); try again when it ends\n", "Failed",
        "exec: this board is already running a command (one at a time); try again when it ends (exit 126)")]
    [InlineData(1, "", "", "Failed", "nc exited 1")]
    public void Tcp_probes_read_ncs_exit_code_and_its_complaint(int exit, string stdout, string stderr, string outcome, string detail)
    {
        ProbeResult result = NcProber.Classify(Tcp80, exit, stdout, stderr);

        Assert.Equal((outcome, detail, false), (result.Outcome.ToString(), result.Detail, result.Silent));
    }

    [Fact]
    public void Udp_probes_connect_when_an_answer_comes_back_and_are_silent_when_none_does()
    {
        PortArgument udp = new(7, IpProtocol.Udp);

        Assert.Equal(new ProbeResult(ProbeOutcome.Connected), NcProber.Classify(udp, 0, NcProber.UdpPayload, ""));
        Assert.Equal(new ProbeResult(ProbeOutcome.Blocked, "no answer", Silent: true), NcProber.Classify(udp, 0, "", ""));
        Assert.Null(NcProber.Classify(udp, 0, "", "").Reached);
        Assert.Equal(ProbeOutcome.Failed, NcProber.Classify(udp, 1, "", "nc: socket: no socket left in the pod").Outcome);
    }

    [Fact]
    public void The_probe_is_nc_against_the_destination_pods_own_address_and_port()
    {
        var to = new MatrixPod("y", "b", Ip("10.244.3.7"), "node-3");

        Assert.Equal(["nc", "-z", "-w", "1", "10.244.3.7", "80"], NcProber.Command(to, Tcp80, 1));
        Assert.Equal(["nc", "-u", "-w", "3", "10.244.3.7", "53"], NcProber.Command(to, new PortArgument(53, IpProtocol.Udp), 3));
    }

    /// <summary>
    /// Lets probes through in rounds: each waits until <paramref name="size"/> probes are in
    /// flight at once, which proves they ran side by side. A round that does not fill within a
    /// quarter second (the last probes of a run, when fewer remain) goes through anyway, counted
    /// in <see cref="UnfilledRounds"/>.
    /// </summary>
    private sealed class RoundsProber(int size) : IReachabilityProber
    {
        private readonly object _gate = new();
        private readonly Dictionary<string, int> _perBoard = [];
        private TaskCompletionSource _round = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _waiting;
        private int _inFlight;

        public ConcurrentBag<(string From, string To)> Probed { get; } = [];

        public int MostInFlight { get; private set; }

        public int MostOnOneBoard { get; private set; }

        public int UnfilledRounds { get; private set; }

        public async Task<ProbeResult> ProbeAsync(MatrixPod from, MatrixPod to, CancellationToken cancel)
        {
            Task round;
            lock (_gate)
            {
                MostInFlight = Math.Max(MostInFlight, ++_inFlight);
                _perBoard[from.Node] = _perBoard.GetValueOrDefault(from.Node) + 1;
                MostOnOneBoard = Math.Max(MostOnOneBoard, _perBoard[from.Node]);
                round = _round.Task;
                if (++_waiting == size)
                {
                    NextRound();
                }
            }

            if (await Task.WhenAny(round, Task.Delay(TimeSpan.FromMilliseconds(250), cancel)) != round)
            {
                lock (_gate)
                {
                    if (_round.Task == round)
                    {
                        UnfilledRounds++;
                        NextRound();
                    }
                }
            }

            lock (_gate)
            {
                _inFlight--;
                _perBoard[from.Node]--;
            }

            Probed.Add((from.Label, to.Label));

            // z's pods take nothing in but from themselves: a recognisable matrix.
            return from == to || to.Namespace != "z" ? new ProbeResult(ProbeOutcome.Connected) : new ProbeResult(ProbeOutcome.Blocked);
        }

        private void NextRound()
        {
            _waiting = 0;
            _round.SetResult();
            _round = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Nine pods, three on each of three boards (x/a on node-1, x/b on node-2, ...).</summary>
    private static MatrixPod[] NinePods() => Enumerable.Range(0, 9).Select(i => Pod($"{"xyz"[i / 3]}/{"abc"[i % 3]}", 1 + i % 3)).ToArray();

    [Fact]
    public async Task Boards_probe_side_by_side_one_probe_each_at_a_time_and_every_pair_once()
    {
        MatrixPod[] pods = NinePods();
        var prober = new RoundsProber(size: 3);
        var progress = new List<MatrixProgress>();

        IReadOnlyList<MatrixCell> cells = await new MatrixProbes(prober).RunAsync(pods, progress.Add);

        Assert.InRange(prober.MostInFlight, 1, 3); // the three boards side by side, each probing alone
        Assert.Equal(1, prober.MostOnOneBoard);
        Assert.Equal(81, prober.Probed.Distinct().Count());
        Assert.Equal(81, prober.Probed.Count);
        Assert.Equal(pods.SelectMany(f => pods.Select(t => (f.Label, t.Label))), cells.Select(c => (c.From.Label, c.To.Label)));
        Assert.Equal(Enumerable.Range(1, 81), progress.Select(p => p.Done));
        Assert.Equal(new MatrixProgress(81, 81, 24), progress[^1]);
        Assert.Equal(ProbeOutcome.Blocked, cells.Single(c => c.From.Label == "x/a" && c.To.Label == "z/b").Result.Outcome);
        Assert.Equal(ProbeOutcome.Connected, cells.Single(c => c.From.Label == "z/b" && c.To.Label == "z/b").Result.Outcome);
    }

    [Fact]
    public async Task No_more_than_the_bound_run_at_once_and_the_boards_take_turns()
    {
        MatrixPod[] pods = NinePods();
        var prober = new RoundsProber(size: 2);

        IReadOnlyList<MatrixCell> cells = await new MatrixProbes(prober, parallelism: 2).RunAsync(pods);

        // Never more than two at a time, never two on one board (how full each round got depends on the
        // thread pool's timing, so it is not asserted: a test on timing would be flaky).
        Assert.InRange(prober.MostInFlight, 1, 2);
        Assert.Equal(1, prober.MostOnOneBoard);
        Assert.Equal(81, prober.Probed.Distinct().Count());
        Assert.Equal(81, cells.Count);
    }

    private sealed class ThrowingProber : IReachabilityProber
    {
        public Task<ProbeResult> ProbeAsync(MatrixPod from, MatrixPod to, CancellationToken cancel) => to.Name == "b"
            ? throw new Edge.Cli.Api.ApiException(404, "NotFound", $"pods \"{to.Name}\" not found in namespace {to.Namespace}")
            : Task.FromResult(new ProbeResult(ProbeOutcome.Connected));
    }

    [Fact]
    public async Task A_probe_that_throws_is_a_failed_cell_and_the_rest_still_run()
    {
        MatrixPod[] pods = [Pod("x/a", 1), Pod("x/b", 2)];

        IReadOnlyList<MatrixCell> cells = await new MatrixProbes(new ThrowingProber()).RunAsync(pods);

        Assert.Equal(["Connected", "Failed", "Connected", "Failed"], cells.Select(c => c.Result.Outcome.ToString()));
        Assert.Equal("pods \"b\" not found in namespace x", cells[1].Result.Detail);
    }

    /// <summary>The boards as policy check computes them, except where told otherwise: a stand-in for nc that needs no boards.</summary>
    private sealed class ComputedProber(PortArgument port, params (string From, string To)[] lies) : IReachabilityProber
    {
        private readonly PolicyCheck _check = new(PolicyTestCluster.Cluster());

        public Task<ProbeResult> ProbeAsync(MatrixPod from, MatrixPod to, CancellationToken cancel)
        {
            bool allowed;
            lock (_check)
            {
                allowed = _check.Check(Peer(from), Peer(to), port).Allowed;
            }

            allowed ^= lies.Contains((from.Label, to.Label));
            return Task.FromResult(new ProbeResult(allowed ? ProbeOutcome.Connected : ProbeOutcome.Blocked));
        }

        private static PeerArgument Peer(MatrixPod pod) => new(PeerKind.Pod, pod.Namespace, pod.Name, 0);
    }

    /// <summary>edgectl with `policy matrix` probing through <paramref name="prober"/>, against the in-process API.</summary>
    private async Task<CliRun> MatrixAsync(IReachabilityProber prober, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var console = new CliConsole(output, error, colour: false);
        var root = new RootCommand();
        GlobalOptions.AddTo(root);
        root.Add(new Command("policy") { PolicyMatrixDefinition.Create(console, (_, _, _) => prober) });
        int exit = await root.Parse([.. args, "--server", Api.Address.ToString()]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return new CliRun(exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task The_verb_probes_the_running_pods_of_the_namespace_and_marks_where_the_boards_differ_from_policy_check()
    {
        var port8080 = new PortArgument(8080, IpProtocol.Tcp);
        CliRun run = await MatrixAsync(new ComputedProber(port8080, ("x/c", "x/web-2")), "policy", "matrix", "-n", "x", "--port", "8080", "--expect");

        Assert.Equal((0, ""), (run.ExitCode, run.Err));
        Assert.Equal("""
            -         x/a   x/b   x/c   x/web-1   x/web-2
            x/a       .     .     X     .         .
            x/b       .     .     X     X         X
            x/c       .     X     .     .         .!
            x/web-1   .     X     X     .         X
            x/web-2   .     X     X     X         .

            25 probes: 14 connected, 11 blocked; 1 differ from policy check
            TCP 8080, sources down, destinations across: "." connected, "X" blocked (no connection within 1 s), "!" after a mark: policy check computes the opposite
            skipped, not Running or no IP: x/pending (Pending)

            """, run.Out);
    }

    [Fact]
    public async Task Namespaces_repeat_or_list_A_takes_all_but_kube_system_and_l_chooses_pods()
    {
        var prober = new ComputedProber(Tcp80);
        string Header(CliRun run) => run.ExitCode == 0 ? run.Out.Split('\n')[0] : run.Err;

        Assert.Equal("-         x/a   x/b   x/c   x/web-1   x/web-2   y/d", Header(await MatrixAsync(prober, "policy", "matrix", "-n", "x", "-n", "y")));
        Assert.Equal("-         x/a   x/b   x/c   x/web-1   x/web-2   y/d", Header(await MatrixAsync(prober, "policy", "matrix", "-n", "y,x")));
        Assert.Equal("-         x/a   x/b   x/c   x/web-1   x/web-2   y/d", Header(await MatrixAsync(prober, "policy", "matrix", "-A")));
        Assert.Equal("-     y/d", Header(await MatrixAsync(prober, "-n", "y", "policy", "matrix")));
        Assert.Equal("-         x/web-1   x/web-2", Header(await MatrixAsync(prober, "policy", "matrix", "-n", "x", "-l", "app=web")));
    }

    private Task<CliRun> EdgectlAsync(params string[] args) => CliRun.OfAsync([.. args, "--server", Api.Address.ToString()]);

    [Theory]
    [InlineData("error: give -A (every namespace but kube-system) or -n x,y, not both\n", "policy", "matrix", "-A", "-n", "x", "-n", "y")]
    [InlineData("error: no running pods in namespace default to probe\n", "policy", "matrix")]
    [InlineData("error: no running pods in namespaces x, y matching app=nobody to probe\n", "policy", "matrix", "-n", "x,y", "-l", "app=nobody")]
    [InlineData("error: --timeout 0: give whole seconds from 1 to 60 (nc's -w)\n", "policy", "matrix", "--timeout", "0")]
    [InlineData("error: --port \"80/icmp\": the protocol must be tcp or udp (the boards carry no SCTP), e.g. --port 80, --port 8080/tcp or --port 53/udp\n", "policy", "matrix", "--port", "80/icmp")]
    public async Task Errors_are_one_line_on_stderr_with_exit_1_and_nothing_on_stdout(string error, params string[] args)
    {
        CliRun run = await EdgectlAsync(args);

        Assert.Equal((1, "", error), (run.ExitCode, run.Out, run.Err));
    }
}
