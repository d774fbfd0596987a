using System.Diagnostics;
using Edge.Dataplane.Platform;
using Edge.NanoClr.Programs;
using Edge.NanoClr;
using Xunit.Abstractions;

namespace Edge.NanoClr.Tests;

/// <summary>
/// The board loop (Edge.Dataplane.Boards.BoardLoop: what the firmware's Program.Main turns
/// forever) run for a few hundred turns over in-memory fakes of the Platform, with control
/// planes' frames fed into its TCP and console lines (Programs/BoardLoop/BoardLoopScenario.cs
/// says what happens when). The scenario is a nanoFramework program: it runs on nanoCLR, the
/// runtime a board runs, and on CoreCLR, and both runs must tell the same story, line for line.
/// What is left unrun here is the firmware's thin Platform over nanoFramework's sockets, GPIO,
/// I2C, UART and flash.
/// </summary>
[Collection(NanoClrCollection.Name)]
public sealed class BoardLoopTests(NanoClrSession session, ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    [NanoClrFact]
    [Trait("Category", Category.NanoClr)]
    public void On_nanoCLR_the_board_loop_takes_a_control_planes_state_over_the_authenticated_line_refuses_other_keys_and_replays_and_reports_Ready()
    {
        string[] sources = Directory.GetFiles(RepoPaths.Of("tests", "Edge.NanoClr.Tests", "Programs", "BoardLoop"), "*.cs").Order(StringComparer.Ordinal).ToArray();
        string program = NanoCompiler.Compile("BoardLoopProgram", sources, session.Dataplane.Select(a => a.Dll), session.WorkDirectory, executable: true);
        string image = MetadataProcessor.Convert(NanoClrSession.Toolchain, program,
            new[] { NanoClrToolchain.CoreLibrary("mscorlib.dll") }.Concat(session.Dataplane.Select(a => a.Dll)), session.WorkDirectory);

        var clock = Stopwatch.StartNew();
        NanoClrRun run = NanoClrProcess.Run(NanoClrSession.Toolchain, session.CoreImages().Append(image), Deadline);
        clock.Stop();

        Assert.False(run.TimedOut, $"the board loop did not finish on nanoCLR in {Deadline.TotalMinutes} minutes:\n" + run.Tail());
        Assert.True(run.Started && !run.Crashed, "the board loop crashed on nanoCLR:\n" + run.Tail(30));
        // The program's lines, then "done"; the interpreter says "Done." and "Exiting." after it.
        string[] lines = run.Program.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        int done = Array.LastIndexOf(lines, "done");
        Assert.True(done >= 0, "the program did not reach its end:\n" + run.Tail(30));
        string[] report = lines[..done];
        output.WriteLine($"nanoCLR ran the board loop's scenario in {clock.ElapsedMilliseconds} ms, its start and end included ({Turns(report)}):");
        output.WriteLine(string.Join('\n', report));

        Expect(report);
        Assert.Equal(OnCoreClr(), report);
    }

    [Fact]
    [Trait("Category", Category.Simulation)]
    public void On_CoreCLR_the_board_loop_takes_a_control_planes_state_over_the_authenticated_line_refuses_other_keys_and_replays_and_reports_Ready()
    {
        string[] report = OnCoreClr();
        output.WriteLine(string.Join('\n', report));

        Expect(report);
    }

    private static string[] OnCoreClr()
    {
        var report = new Report();
        BoardLoopScenario.Run(report);
        return report.Lines.ToArray();
    }

    private static string Turns(string[] report) =>
        report.LastOrDefault(l => l.StartsWith("loop: ", StringComparison.Ordinal)) ?? "no loop line";

    /// <summary>What the board must have done, in this order, whichever runtime ran it.</summary>
    private static void Expect(string[] report)
    {
        const string hello = "hello node-0017 firmware 0.1.0 at 192.168.50.17 vxlan 4789 generation ";
        const string limits = " max-pods 8 max-payload 1280";
        const string workshop = "cluster workshop key ";
        const string trusted = "; trusted line (" + workshop;
        const string prove = "; prove " + workshop;
        const string proved = "board: control plane connected (proved cluster workshop's key)";
        const string authOk = "tcp< auth-ok: the board proved key ";
        InOrder(report,
            // Provisioned over USB: the board boots with the workshop's key and counts the boot.
            "usb: provisioned into cluster workshop with key ",
            "board: boots as node-0017 (no board profile provisioned) (wroom capacities), DHCP",
            "board: node-0017 at 192.168.50.17, waiting for the control plane on port 7900",
            "board: waiting for the control plane (status LED: three blinks)",
            "board: cluster workshop, key ",
            // The console is trusted as it is: its Hello asks for no proof.
            "console< " + hello + "0" + limits + trusted,

            // The control plane on TCP proves the key on the board's nonce, the board proves it back;
            // a stray HTTP request skipped, the snapshot applied (sealed), the pods running, Ready.
            "turn 5: the workshop control plane connects on port 7900",
            "tcp< " + hello + "0" + limits + prove,
            "tcp> auth-proof with key ",
            proved,
            authOk,
            "tcp> snapshot generation 1: ",
            "board: ready (status LED: steady)",
            "tcp< ack #1 generation 1 applied",
            "tcp< heartbeat generation 1: default/web Running, default/client Running; drops 0",

            // kubectl exec: the toolbox pod reaches web by its service name, through the node's DNS and service proxy.
            "tcp< exec| Hostname: web",
            "tcp< exec| Node: node-0017",
            "tcp< exec exit 0, 0 bytes lost",

            // A port scanner on the management port: the session stays with the control plane (below).
            "turn 30: a port scanner connects on port 7900 and sends an HTTP request",

            // kubectl port-forward: the board connects inside the pod to its own 127.0.0.1:80, gives
            // credit for the input, relays the request and the answer, and ends when whoami closes.
            "tcp> port-forward to default/web:80",
            "tcp< exec-input credit 1024",
            "tcp> exec-input 27 bytes",
            "tcp< exec| HTTP/1.1 200 OK",
            "tcp< exec| GET /forwarded HTTP/1.0",
            "tcp< exec exit 0, 0 bytes lost",

            // A delta adds a pod; a LAN client reaches web on its NodePort through the board's own sockets.
            "tcp< ack #3 generation 2 applied",
            "tcp< heartbeat generation 2: default/web Running, default/client Running, default/greeter Running; drops 0",
            "lan< HTTP/1.1 200 OK",
            "lan< Hostname: web",

            // A delta for a base the board never had is refused, and the state stays.
            "tcp< ack #4 generation 0 refused: delta for another generation than the applied 2: send a snapshot",

            // The scanner proved nothing: hung up 3 s (CandidateMs) after it came, and the session never moved.
            "board: refused a connection on port 7900: a connection sent no proof of the cluster key in time (1 refused since boot)",
            "turn 330: the board hung up on the scanner",

            // Another cluster's control plane proves its own key: refused, told whose board this is, hung up.
            "turn 350: another cluster's control plane (key ",
            "other< " + hello + "2" + limits + prove,
            "other> auth-proof with key ",
            "board: refused a connection on port 7900: this board belongs to cluster \"workshop\" (key ",
            "other< auth-refused: this board belongs to cluster \"workshop\" (key ",
            "turn 351: the board hung up on the other cluster's control plane",
            // ... and the workshop's session goes on: a view asked for after it comes back.
            "tcp> view-request 2, sealed",
            "tcp< view #5: ",

            // The snapshot's frame captured at turn 7, replayed on the session's line: out of sequence,
            // so the board ends the session rather than roll back to generation 1; the console serves.
            "turn 380: someone on the path replays the captured snapshot frame (generation 1, sequence 0) on the control plane's line",
            "board: ended the control plane's session: a frame failed its MAC or came out of sequence (someone else writes on its line); waiting for it on port 7900",
            "board: waiting for the control plane (status LED: three blinks)",
            "console< " + hello + "2" + limits + trusted,
            "turn 380: the board closed the control plane's connection",
            "turn 390: the board runs generation 2 with 3 pods; 1 session ended by the replay; a control plane on TCP: no",

            // The control plane reconnects with the key and takes the session back.
            "turn 400: the control plane connects again with the workshop key",
            "tcp< " + hello + "2" + limits + prove,
            "tcp> auth-proof with key ",
            proved,
            "board: ready (status LED: steady)",
            authOk,

            // The handshake captured at turn 5, replayed on a new connection: the board's nonce is new, so it proves nothing.
            "turn 420: someone connects on port 7900 and replays the captured auth-proof (the handshake of turn 5)",
            "board: refused a connection on port 7900: ",
            "turn 420: the board hung up on the replayed handshake",
            "tcp< heartbeat generation 2: ",

            // The control plane restarts while its old connection is open: the new one asks for Hello
            // (twice the same nonce), proves the key once and takes over.
            "turn 530: the control plane restarts and connects again; its old connection is still open",
            "tcp> hello-request, before the handshake",
            "tcp< " + hello + "2" + limits + prove,
            "tcp> auth-proof with key ",
            "tcp< " + hello + "2" + limits + prove,
            proved,
            authOk,
            "turn 531: the board closed the old control plane's connection",

            // The control plane leaves: the console serves, no handshake; the board waits until a host speaks there.
            "board: control plane gone; waiting for it on port 7900",
            "board: waiting for the control plane (status LED: three blinks)",
            "console< " + hello + "2" + limits + trusted,
            "board: ready (status LED: steady)",
            "console< " + hello + "2" + limits + trusted,
            "console< ack #6 generation 3 applied",

            // A control plane on TCP again: the board kept its state and its key; a new key over the
            // network is refused; provisioning keeping the key, then a restart.
            "turn 700: a control plane connects on port 7900 again",
            "tcp< " + hello + "3" + limits + prove,
            proved,
            authOk,
            "tcp< settings kept: no name, DHCP, cluster workshop (key ",
            "tcp< ack #8 generation 3 refused: a board takes a cluster key, or forgets one, only over its USB console",
            "board: restarting into the new settings",
            "tcp< ack #9 generation 3 applied",
            "turn 730: the board asks to restart",
            "console: the board sent hello 4, ack 1, heartbeat ",
            "tcp: the board sent hello 1, ack 3, heartbeat ",
            "other: the board sent hello 1, auth-refused 1;",
            "tcp: the board sent hello 1, heartbeat ",
            "tcp: the board sent hello 2, auth-ok 1;",
            "tcp: the board sent hello 1, ack 2, settings 1, auth-ok 1;",

            // What it shows and counted at the end.
            "screen 0: node-0017",
            "screen 1: 192.168.50.17",
            "screen 2: ready",
            "screen 3: pods 3/8",
            "screen 4: web          run",
            "screen 5: client       run",
            "screen 6: greeter      run",
            "leds: status on, activity off",
            "status: ready (status LED: steady)",
            "watch: 14 checks, 0 stalls",
            "session: ",
            "loop: 730 turns, 4 control plane connections, 1 refused, 2 of another key",
            "trust: cluster workshop, key ",
            "node: generation 3, 3 pods, listening on 53 30080, 1 NodePort connections",
            "storage: boots next as node-7 on wt32-eth01 (wroom capacities), static 192.168.50.17/24 via 192.168.50.1; cluster workshop, key ");

        // One key throughout: the one provisioned, the one the board proved, the one it keeps.
        string keyId = report.Single(l => l.StartsWith("usb: provisioned", StringComparison.Ordinal)).Split(' ')[^1];
        Assert.Equal(8, keyId.Length);
        Assert.Contains("board: cluster workshop, key " + keyId + ", boot 1", report);
        Assert.All(report.Where(l => l.StartsWith("tcp< auth-ok", StringComparison.Ordinal)), l => Assert.StartsWith(authOk + keyId + " ", l, StringComparison.Ordinal));
        Assert.All(report.Where(l => l.Contains("cluster \"workshop\"", StringComparison.Ordinal)), l => Assert.Contains("(key " + keyId + ")", l, StringComparison.Ordinal));
        Assert.Equal("trust: cluster workshop, key " + keyId + ", boot 1; sessions broken: 1 (0 bad MACs, 1 out of sequence)", report.Single(l => l.StartsWith("trust: ", StringComparison.Ordinal)));
        Assert.EndsWith("; cluster workshop, key " + keyId + ", 1 boots counted", report.Single(l => l.StartsWith("storage: ", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("tcp< settings kept: no name, DHCP, cluster workshop (key " + keyId + ", not sent); runs as node-0017 at 192.168.50.17", report);

        // A board's nonce is fresh per connection (the same for a Hello asked for again on one).
        string[] nonces = report.Where(l => l.StartsWith("tcp> auth-proof", StringComparison.Ordinal) || l.StartsWith("other> auth-proof", StringComparison.Ordinal))
            .Select(l => System.Text.RegularExpressions.Regex.Match(l, @"on nonce ([0-9a-f]{8})").Groups[1].Value).ToArray();
        Assert.Equal(5, nonces.Length);
        Assert.Equal(nonces.Length, nonces.Distinct().Count());

        // Three connections refused, each with its reason; the key refusals name the board's cluster.
        string[] refusals = report.Where(l => l.StartsWith("board: refused a connection", StringComparison.Ordinal)).ToArray();
        Assert.Equal(3, refusals.Length);
        Assert.DoesNotContain(refusals, l => l.Contains(":  (", StringComparison.Ordinal));
        Assert.Equal(2, refusals.Count(l => l.Contains("this board belongs to cluster \"workshop\"", StringComparison.Ordinal)));

        // The replay left the board's state alone: one session broken, by the sequence number, not by a MAC.
        Assert.Single(report, l => l.StartsWith("board: ended the control plane's session", StringComparison.Ordinal));

        // On TCP nothing but the handshake goes unsealed; on the console nothing is sealed; the hosts never saw a bad frame from the board.
        Assert.All(report.Where(l => l.StartsWith("tcp> ", StringComparison.Ordinal) && !l.StartsWith("tcp> auth-proof ", StringComparison.Ordinal)
                && !l.StartsWith("tcp> hello-request, before the handshake", StringComparison.Ordinal) && !l.EndsWith(" bytes that are not frames", StringComparison.Ordinal)),
            l => Assert.Contains(", sealed (", l, StringComparison.Ordinal));
        Assert.DoesNotContain(report, l => l.StartsWith("console> ", StringComparison.Ordinal) && l.Contains("sealed", StringComparison.Ordinal));
        Assert.DoesNotContain(report, l => l.Contains("not sent, the line has not authenticated", StringComparison.Ordinal));
        Assert.DoesNotContain(report, l => l.Contains(" that failed its ", StringComparison.Ordinal) || l.Contains("auth-ok with a wrong proof", StringComparison.Ordinal));

        // Heartbeats come back on the line that serves the session: at once after each state
        // applied (an ack), and every second besides.
        foreach (string link in report.Where(l => l.Contains(": the board sent hello", StringComparison.Ordinal) && l.Contains("heartbeat", StringComparison.Ordinal)))
        {
            Assert.True(Count(link, "heartbeat") > Count(link, "ack"), "no heartbeat but those after an ack: " + link);
        }

        string session = report.Single(l => l.StartsWith("session: ", StringComparison.Ordinal));
        Assert.Contains(" 1 refused, ", session, StringComparison.Ordinal);
        Assert.DoesNotContain(" 0 bytes of garbage", session, StringComparison.Ordinal);
        Assert.DoesNotContain(report, l => l.Contains("stalls", StringComparison.Ordinal) && !l.Contains(" 0 stalls", StringComparison.Ordinal));
    }

    private static int Count(string summary, string type)
    {
        var match = System.Text.RegularExpressions.Regex.Match(summary, $@"\b{type} (\d+)");
        return match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>Each expected line starts a report line, after the line the previous one matched.</summary>
    private static void InOrder(string[] report, params string[] expected)
    {
        int at = 0;
        foreach (string line in expected)
        {
            int found = Array.FindIndex(report, at, l => l.StartsWith(line, StringComparison.Ordinal));
            Assert.True(found >= 0, $"expected, after report line {at}: \"{line}\"\nthe report:\n{string.Join('\n', report.Select((l, i) => $"{i,4} {l}"))}");
            at = found + 1;
        }
    }

    private sealed class Report : ILog
    {
        public readonly List<string> Lines = [];

        public void Write(string line) => Lines.Add(line);
    }
}
