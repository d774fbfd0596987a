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
    public void On_nanoCLR_the_board_loop_takes_a_control_planes_state_runs_its_pods_and_reports_Ready()
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
    public void On_CoreCLR_the_board_loop_takes_a_control_planes_state_runs_its_pods_and_reports_Ready()
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
        const string limits = " max-pods 8 max-payload 2560";
        InOrder(report,
            "board: boots as node-0017 (no board profile provisioned) (wroom capacities), DHCP",
            "board: node-0017 at 192.168.50.17, waiting for the control plane on port 7900",
            "board: waiting for the control plane (status LED: three blinks)",
            "console< " + hello + "0" + limits,

            // A control plane on TCP: Hello, a stray HTTP request skipped, the snapshot applied, the pods running, Ready.
            "board: control plane connected",
            "tcp< " + hello + "0" + limits,
            "board: ready (status LED: steady)",
            "tcp< ack #1 generation 1 applied",
            "tcp< heartbeat generation 1: default/web Running, default/client Running; drops 0",

            // kubectl exec: the toolbox pod reaches web by its service name, through the node's DNS and service proxy.
            "tcp< exec| Hostname: web",
            "tcp< exec| Node: node-0017",
            "tcp< exec exit 0, 0 bytes lost",

            // A port scanner on the management port: the session stays with the control plane (below).
            "turn 30: a port scanner connects on port 7900 and sends an HTTP request",

            // A delta adds a pod; a LAN client reaches web on its NodePort through the board's own sockets.
            "tcp< ack #3 generation 2 applied",
            "tcp< heartbeat generation 2: default/web Running, default/client Running, default/greeter Running; drops 0",
            "lan< HTTP/1.1 200 OK",
            "lan< Hostname: web",

            // A delta for a base the board never had is refused, and the state stays.
            "tcp< ack #4 generation 0 refused: delta for another generation than the applied 2: send a snapshot",

            // The scanner sent no valid frame: hung up a second after it came, and the session never moved.
            "board: hung up a connection on port 7900 that sent no valid frame; the control plane keeps the board",
            "turn 130: the board hung up on the scanner",

            // The control plane restarts while its old connection is open: the new one asks for Hello and takes over.
            "turn 220: the control plane restarts and connects again; its old connection is still open",
            "board: control plane connected",
            "tcp< " + hello + "2" + limits,
            "turn 220: the board closed the old control plane's connection",

            // The control plane leaves: the console serves; the board waits until a host speaks there.
            "board: control plane gone; waiting for it on port 7900",
            "board: waiting for the control plane (status LED: three blinks)",
            "console< " + hello + "2" + limits,
            "board: ready (status LED: steady)",
            "console< " + hello + "2" + limits,
            "console< ack #5 generation 3 applied",

            // A control plane on TCP again: the board kept its state; provisioning, then a restart.
            "board: control plane connected",
            "tcp< " + hello + "3" + limits,
            "tcp< settings kept: no name, DHCP; runs as node-0017 at 192.168.50.17",
            "board: restarting into the new settings",
            "tcp< ack #7 generation 3 applied",
            "turn 430: the board asks to restart",
            "console: the board sent hello 3, ack 1, heartbeat ",
            "tcp: the board sent hello 1, ack 3, heartbeat ",
            "tcp: the board sent hello 1, ack 1, settings 1",

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
            "watch: 8 checks, 0 stalls",
            "session: ",
            "loop: 430 turns, 3 control plane connections, 1 refused",
            "node: generation 3, 3 pods, listening on 53 30080, 1 NodePort connections",
            "storage: boots next as node-7 on wt32-eth01 (wroom capacities), static 192.168.50.17/24 via 192.168.50.1");

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

    private static int Count(string summary, string type) =>
        int.Parse(System.Text.RegularExpressions.Regex.Match(summary, $@"\b{type} (\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

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
