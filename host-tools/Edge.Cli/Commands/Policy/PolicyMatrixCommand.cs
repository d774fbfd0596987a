using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using Edge.Cli.Api;
using Edge.Host.Compile;
using Edge.Host.Objects;
using Edge.Host.Printing;

namespace Edge.Cli.Commands.Policy;

/// <summary>
/// `policy matrix` as kubectl runs a verb: Complete (the namespaces in effect), Validate (what
/// was typed, before the cluster is asked anything), Run (list the pods, probe every pair
/// through the boards, print). The prober is injected so the whole verb can run without boards.
/// </summary>
public sealed class PolicyMatrixCommand(CliConsole console, Func<ApiClient, PortArgument, int, IReachabilityProber>? prober = null)
{
    public const string DefaultPort = "80";
    public const int DefaultTimeoutSeconds = 1;

    /// <summary>nc's -w is whole seconds; the control plane ends an exec after 120 s.</summary>
    public const int MaxTimeoutSeconds = 60;

    /// <summary>Ctrl+C, as exec exits after it.</summary>
    private const int Interrupted = 130;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Func<ApiClient, PortArgument, int, IReachabilityProber> _prober = prober ?? ((api, port, timeout) => new NcProber(api, port, timeout));

    public async Task<int> RunAsync(ParseResult parsed, string[] namespaceWords, bool allNamespaces, string? selector, string? portText, int timeoutSeconds, bool expect, string? format,
        CancellationToken cancel)
    {
        // Complete
        List<string> namespaces = Namespaces(parsed, namespaceWords);

        // Validate
        if (allNamespaces && namespaces.Count > 0)
        {
            throw new CliException($"give -A (every namespace but kube-system) or -n {string.Join(",", namespaces)}, not both");
        }

        if (namespaces.Count == 0)
        {
            namespaces.Add("default");
        }

        PortArgument port = PortArgument.Parse(string.IsNullOrEmpty(portText) ? DefaultPort : portText);
        if (timeoutSeconds is < 1 or > MaxTimeoutSeconds)
        {
            throw new CliException($"--timeout {timeoutSeconds}: give whole seconds from 1 to {MaxTimeoutSeconds} (nc's -w)");
        }

        // Run: the pods, then (with --expect) the computation over the same cluster, then the probes.
        using ApiClient api = ApiClient.For(parsed);
        (List<MatrixPod> pods, List<SkippedPod> skipped) = await ListPodsAsync(api, allNamespaces ? null : namespaces, selector, cancel);
        if (pods.Count == 0)
        {
            string where = allNamespaces ? "in any namespace but kube-system" : $"in namespace{(namespaces.Count > 1 ? "s" : "")} {string.Join(", ", namespaces)}";
            string matching = string.IsNullOrEmpty(selector) ? "" : $" matching {selector}";
            string left = skipped.Count > 0 ? $" ({string.Join(", ", skipped.Select(s => $"{s.Label} {s.Reason}"))})" : "";
            throw new CliException($"no running pods {where}{matching} to probe{left}");
        }

        Func<MatrixPod, MatrixPod, bool?>? expected = expect ? await ExpectationsAsync(api, port, cancel) : null;
        IReadOnlyList<MatrixCell>? cells = await ProbeAsync(pods, _prober(api, port, timeoutSeconds), cancel);
        if (cells == null)
        {
            return Interrupted;
        }

        if (expected != null)
        {
            cells = cells.Select(c => c with { Expected = expected(c.From, c.To) }).ToList();
        }

        var matrix = new ReachabilityMatrix(pods, port, timeoutSeconds, cells, skipped);
        if (format == "json")
        {
            console.Out.WriteLine(PolicyMatrixPrinter.ToJson(matrix).ToJsonString(Indented));
        }
        else
        {
            PolicyMatrixPrinter.WriteText(console.Out, matrix);
        }

        return ReportFailures(cells);
    }

    /// <summary>-n after `matrix` repeats or lists (x,y); a -n before `policy` is the global option's, read too.</summary>
    private static List<string> Namespaces(ParseResult parsed, string[] words) => words
        .Append(parsed.GetValue(GlobalOptions.Namespace) ?? "")
        .SelectMany(w => w.Split(','))
        .Select(w => w.Trim())
        .Where(w => w.Length > 0)
        .Distinct(StringComparer.Ordinal)
        .ToList();

    /// <summary>
    /// The matrix is made, whatever it shows; probes that could not run are errors all the same
    /// (their cells say "?"): one line per reason, naming the first probe it stopped.
    /// </summary>
    private int ReportFailures(IReadOnlyList<MatrixCell> cells)
    {
        var failures = cells.Where(c => c.Result.Outcome == ProbeOutcome.Failed).GroupBy(c => c.Result.Detail, StringComparer.Ordinal).ToList();
        foreach (IGrouping<string, MatrixCell> failure in failures)
        {
            MatrixCell first = failure.First();
            int more = failure.Count() - 1;
            console.Error($"probe {first.From.Label} -> {first.To.Label}{(more > 0 ? $" (and {more} more)" : "")} could not run: {failure.Key}");
        }

        return failures.Count > 0 ? ExitCodes.Error : ExitCodes.Ok;
    }

    /// <summary>The pods to probe, by namespace then name, and those left out: not Running, terminating, or without an address or a node.</summary>
    private static async Task<(List<MatrixPod> Pods, List<SkippedPod> Skipped)> ListPodsAsync(ApiClient api, List<string>? namespaces, string? selector, CancellationToken cancel)
    {
        KindInfo kind = KindInfo.ForKind("Pod")!;
        var listed = new List<KubeObject>();
        if (namespaces == null)
        {
            listed.AddRange((await api.ListAsync(kind, null, selector, cancel)).Where(p => Party.NamespaceOf(p) != "kube-system"));
        }
        else
        {
            foreach (string ns in namespaces)
            {
                listed.AddRange(await api.ListAsync(kind, ns, selector, cancel));
            }
        }

        var pods = new List<MatrixPod>();
        var skipped = new List<SkippedPod>();
        foreach (KubeObject pod in listed.OrderBy(p => Party.NamespaceOf(p), StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal))
        {
            string label = $"{Party.NamespaceOf(pod)}/{pod.Name}";
            string status = ResourceColumns.PodStatus(pod);
            uint address = BoardStateCompiler.PodAddress(pod);
            string? node = (string?)pod.Spec?["nodeName"];
            if ((string?)pod.Json["status"]?["phase"] != "Running" || pod.Metadata["deletionTimestamp"] != null)
            {
                skipped.Add(new SkippedPod(label, status));
            }
            else if (address == 0 || string.IsNullOrEmpty(node))
            {
                skipped.Add(new SkippedPod(label, $"{status}, no IP"));
            }
            else
            {
                pods.Add(new MatrixPod(Party.NamespaceOf(pod), pod.Name, address, node));
            }
        }

        return (pods, skipped);
    }

    /// <summary>`policy check`'s verdict for each pair, over one snapshot of the cluster; null where it has none (a pod gone since the listing).</summary>
    private static async Task<Func<MatrixPod, MatrixPod, bool?>> ExpectationsAsync(ApiClient api, PortArgument port, CancellationToken cancel)
    {
        var check = new PolicyCheck(await PolicyCheckCommand.LoadAsync(api, cancel));
        return (from, to) =>
        {
            try
            {
                return check.Check(Peer(from), Peer(to), port).Allowed;
            }
            catch (CliException)
            {
                return null;
            }
        };

        static PeerArgument Peer(MatrixPod pod) => new(PeerKind.Pod, pod.Namespace, pod.Name, 0);
    }

    /// <summary>
    /// Every probe, with a progress line on a terminal; null after Ctrl+C, which stops the probes (their tools are cancelled on the
    /// boards). The handler is the command's own: System.CommandLine leaves signals to the commands (EdgeCli.RunAsync).
    /// </summary>
    private async Task<IReadOnlyList<MatrixCell>?> ProbeAsync(List<MatrixPod> pods, IReachabilityProber probe, CancellationToken cancel)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        ConsoleCancelEventHandler onCtrlC = (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCtrlC;
        var progress = new ProgressLine(console);
        try
        {
            return await new MatrixProbes(probe).RunAsync(pods, progress.Show, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return null;
        }
        finally
        {
            Console.CancelKeyPress -= onCtrlC;
            progress.Clear();
        }
    }

    /// <summary>
    /// "probing 37/81 (7 blocked)", rewritten in place on stderr, and only when stderr is this
    /// process's terminal: never in a pipe, a file or a test's captured output.
    /// </summary>
    private sealed class ProgressLine(CliConsole console)
    {
        private readonly bool _shown = ReferenceEquals(console.Err, Console.Error) && !Console.IsErrorRedirected
            && Environment.GetEnvironmentVariable("TERM") != "dumb";

        private int _width;

        public void Show(MatrixProgress p)
        {
            if (!_shown)
            {
                return;
            }

            string text = $"probing {p.Done}/{p.Total} ({p.Blocked} blocked)";
            console.Err.Write("\r" + text.PadRight(_width));
            console.Err.Flush();
            _width = text.Length;
        }

        public void Clear()
        {
            if (_shown && _width > 0)
            {
                console.Err.Write("\r" + new string(' ', _width) + "\r");
                console.Err.Flush();
            }
        }
    }
}
