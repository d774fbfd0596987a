using System.Text.Json.Nodes;
using Edge.Cli.Api;
using Edge.Cli.Commands.Flows;
using Edge.Host.Flows;
using Edge.Host.Objects;

namespace Edge.Cli.Ui;

/// <summary>
/// The boards' flow events for the page: every <see cref="Every"/> it asks each board for what
/// came after the last event it gave (as `edgectl flows -f` does) and keeps the newest
/// <see cref="Kept"/>, numbered in the order they arrived, each as the JSON `edgectl flows -o json`
/// prints plus its words; <see cref="WaitForFlowsAsync"/> wakes the event streams.
/// </summary>
public sealed class FlowFeed : IAsyncDisposable
{
    public static readonly TimeSpan Every = TimeSpan.FromMilliseconds(500);
    public const int Kept = 200;

    private readonly Func<ApiClient> _connect;
    private readonly TextWriter _log;
    private readonly object _gate = new();
    private readonly LinkedList<(long Id, JsonObject Flow)> _flows = new();
    private readonly Dictionary<string, long> _seen = [];
    private readonly CancellationTokenSource _stop = new();
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _loop = Task.CompletedTask;
    private long _last;

    public FlowFeed(Func<ApiClient> connect, TextWriter log)
    {
        _connect = connect;
        _log = log;
    }

    /// <summary>The id of the newest flow (0: none yet).</summary>
    public long Last
    {
        get
        {
            lock (_gate)
            {
                return _last;
            }
        }
    }

    public void Start() => _loop = Task.Run(() => Loop(_stop.Token));

    /// <summary>The flows after <paramref name="after"/> that the feed still keeps, oldest first.</summary>
    public IReadOnlyList<(long Id, JsonObject Flow)> After(long after)
    {
        lock (_gate)
        {
            return _flows.Where(f => f.Id > after).ToArray();
        }
    }

    public async Task WaitForFlowsAsync(long seen, CancellationToken cancel)
    {
        Task arrived;
        lock (_gate)
        {
            if (_last != seen)
            {
                return;
            }

            arrived = _arrived.Task;
        }

        await arrived.WaitAsync(cancel);
    }

    /// <summary>Adds what a board said (for tests and the loop): each flow as `edgectl flows -o json` prints it, with its words.</summary>
    public void Add(string node, DateTime fetched, FlowBatch batch, FlowNames names)
    {
        lock (_gate)
        {
            if (batch.RestartedAfter(_seen.GetValueOrDefault(node)))
            {
                _seen[node] = 0; // the board started again: its events from its first, next time
                return;
            }

            foreach (FlowEvent e in batch.Events)
            {
                DateTime at = batch.TimeOf(e, fetched);
                var flow = (JsonObject)JsonNode.Parse(FlowPrinter.Json(node, at, e, names))!;
                flow["summary"] = FlowPrinter.Summary(e, names);
                flow["line"] = FlowPrinter.Line(node, at, e, names);
                _flows.AddLast((++_last, flow));
                if (_flows.Count > Kept)
                {
                    _flows.RemoveFirst();
                }
            }

            _seen[node] = batch.Written;
            if (batch.Events.Count > 0)
            {
                TaskCompletionSource woken = _arrived;
                _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                woken.SetResult();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task Loop(CancellationToken stop)
    {
        string? lastProblem = null;
        bool primed = false;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using ApiClient api = _connect();
                List<KubeObject> nodes = await api.ListAsync(KindInfo.ForKind("Node")!, null, null, stop);
                var names = new FlowNames(await api.ListAsync(KindInfo.ForKind("Pod")!, null, null, stop), await api.ListAsync(KindInfo.ForKind("Service")!, null, null, stop));
                foreach (KubeObject node in nodes)
                {
                    long since;
                    lock (_gate)
                    {
                        since = _seen.GetValueOrDefault(node.Name);
                    }

                    try
                    {
                        DateTime fetched = DateTime.UtcNow;
                        FlowBatch batch = FlowBatch.Parse(await api.GetTextAsync($"/api/v1/nodes/{Uri.EscapeDataString(node.Name)}/flows?since={since}", stop));
                        if (!primed)
                        {
                            // The page shows flows from when the view started: what the boards held before is history.
                            batch = batch with { Events = [] };
                        }

                        Add(node.Name, fetched, batch, names);
                    }
                    catch (Exception e) when (e is ApiException or FormatException)
                    {
                        // A board NotReady or gone: the others' flows go on.
                    }
                }

                lastProblem = null;
                primed = true;
            }
            catch (Exception e) when (e is ApiException or CliException or HttpRequestException)
            {
                if (e.Message != lastProblem)
                {
                    _log.WriteLine($"flows: {e.Message}");
                    lastProblem = e.Message;
                }
            }

            await Task.Delay(Every, stop);
        }
    }
}
