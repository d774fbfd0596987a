namespace Edge.Cli.Commands.Policy;

/// <summary>A pod the matrix probes from and to: running, with an address, on a board.</summary>
public sealed record MatrixPod(string Namespace, string Name, uint Address, string Node)
{
    /// <summary>"x/a": how the matrix's headers name it.</summary>
    public string Label => $"{Namespace}/{Name}";
}

/// <summary>What one probe found.</summary>
public enum ProbeOutcome
{
    /// <summary>TCP: the connection opened. UDP: an answer came back.</summary>
    Connected,

    /// <summary>No connection within the timeout (a policy drops silently), or the network said unreachable. UDP: no answer.</summary>
    Blocked,

    /// <summary>TCP: the destination answered with a reset: the packet got through, but nothing listens on the port.</summary>
    Refused,

    /// <summary>The probe could not run (the board busy, the pod gone, no socket left): no answer about the network.</summary>
    Failed,
}

/// <param name="Detail">nc's complaint (`nc: can't connect ...: connection timed out`), or why the probe could not run.</param>
/// <param name="Silent">Blocked as far as the probe can tell, and no more: a UDP probe that got no answer cannot tell a drop from a port nobody answers on.</param>
public sealed record ProbeResult(ProbeOutcome Outcome, string Detail = "", bool Silent = false)
{
    /// <summary>Whether the network let the connection through to the destination pod (connected or refused); null when the probe cannot say.</summary>
    public bool? Reached => Outcome switch
    {
        ProbeOutcome.Connected or ProbeOutcome.Refused => true,
        ProbeOutcome.Blocked when !Silent => false,
        _ => null,
    };
}

/// <summary>Opens one connection from a pod to a pod, for real, and says what happened.</summary>
public interface IReachabilityProber
{
    Task<ProbeResult> ProbeAsync(MatrixPod from, MatrixPod to, CancellationToken cancel);
}

/// <summary>One cell: what the probe from <see cref="From"/> to <see cref="To"/> found.</summary>
/// <param name="Expected">With --expect: whether `policy check` computes the connection allowed.</param>
public sealed record MatrixCell(MatrixPod From, MatrixPod To, ProbeResult Result, bool? Expected = null)
{
    /// <summary>The probe says for sure that the boards did otherwise than the computation says (a silent UDP probe says nothing for sure).</summary>
    public bool Differs => Expected is bool allowed && Result.Reached is bool reached && allowed != reached;
}

/// <summary>A pod of the chosen namespaces left out of the matrix, and why (its status: Pending, Succeeded, Terminating, no IP).</summary>
public sealed record SkippedPod(string Label, string Reason);

/// <summary>The matrix: every pod to every pod (itself too), sources and destinations in <see cref="Pods"/>' order.</summary>
public sealed record ReachabilityMatrix(
    IReadOnlyList<MatrixPod> Pods, PortArgument Port, int TimeoutSeconds, IReadOnlyList<MatrixCell> Cells, IReadOnlyList<SkippedPod> Skipped)
{
    public bool Expecting => Cells.Any(c => c.Expected != null);

    public int Count(ProbeOutcome outcome) => Cells.Count(c => c.Result.Outcome == outcome);

    public int Differing => Cells.Count(c => c.Differs);

    public MatrixCell? Cell(MatrixPod from, MatrixPod to) => Cells.FirstOrDefault(c => c.From == from && c.To == to);
}

/// <summary>Progress so far: probes done of all, and how many of them found no connection.</summary>
public readonly record struct MatrixProgress(int Done, int Total, int Blocked);

/// <summary>
/// Runs a matrix's probes, many at once but never more than a board takes: every probe is an
/// exec in the source pod, and a board runs one exec at a time (its second gets "already
/// running a command"), so each board works through its own queue while the boards run side by
/// side, at most <paramref name="parallelism"/> probes in all. A freed slot goes to the next
/// idle board in turn, so no board waits while others run twice. A board's queue goes step by
/// step, source i probing destination i + step, so boards probing at the same moment mostly
/// knock on different pods (a pod's listen backlog is small). A probe that throws becomes a
/// failed cell; cancellation ends the run.
/// </summary>
public sealed class MatrixProbes(IReachabilityProber prober, int parallelism = MatrixProbes.DefaultParallelism, int perBoard = MatrixProbes.ExecsPerBoard)
{
    public const int DefaultParallelism = 16;

    /// <summary>Execs a board runs at once (firmware's BoardSession: one at a time).</summary>
    public const int ExecsPerBoard = 1;

    public async Task<IReadOnlyList<MatrixCell>> RunAsync(IReadOnlyList<MatrixPod> pods, Action<MatrixProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(perBoard, 1);
        int n = pods.Count;
        var cells = new MatrixCell[n, n];
        List<Queue<(int From, int To)>> boards = Enumerable.Range(0, n)
            .GroupBy(i => pods[i].Node, StringComparer.Ordinal)
            .Select(board => new Queue<(int, int)>(
                from step in Enumerable.Range(0, n)
                from source in board
                select (source, (source + step) % n)))
            .ToList();
        int[] running = new int[boards.Count];
        var inFlight = new Dictionary<Task<MatrixCell>, (int Board, int From, int To)>();
        int next = 0, done = 0, blocked = 0;
        while (true)
        {
            // Fill the free slots, each from the next board in turn that has work and room.
            while (inFlight.Count < parallelism && NextBoard() is int b)
            {
                (int from, int to) = boards[b].Dequeue();
                running[b]++;
                inFlight.Add(Probe(pods[from], pods[to]), (b, from, to));
                next = (b + 1) % boards.Count;
            }

            if (inFlight.Count == 0)
            {
                break;
            }

            Task<MatrixCell> finished = await Task.WhenAny(inFlight.Keys);
            (int board, int source, int destination) = inFlight[finished];
            running[board]--;
            inFlight.Remove(finished);
            MatrixCell cell = cells[source, destination] = await finished; // rethrows only cancellation
            done++;
            blocked += cell.Result.Outcome == ProbeOutcome.Blocked ? 1 : 0;
            progress?.Invoke(new MatrixProgress(done, n * n, blocked));
        }

        var list = new List<MatrixCell>(n * n);
        for (int from = 0; from < n; from++)
        {
            for (int to = 0; to < n; to++)
            {
                list.Add(cells[from, to]);
            }
        }

        return list;

        int? NextBoard()
        {
            for (int i = 0; i < boards.Count; i++)
            {
                int b = (next + i) % boards.Count;
                if (running[b] < perBoard && boards[b].Count > 0)
                {
                    return b;
                }
            }

            return null;
        }

        async Task<MatrixCell> Probe(MatrixPod from, MatrixPod to)
        {
            ProbeResult result;
            try
            {
                result = await prober.ProbeAsync(from, to, cancel);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancel.IsCancellationRequested)
            {
                result = new ProbeResult(ProbeOutcome.Failed, e.Message);
            }

            return new MatrixCell(from, to, result);
        }
    }
}
