using Edge.Cli.Api;
using Edge.Host.Objects;

namespace Edge.Cli.Ui;

/// <summary>
/// The UI server's copy of the objects <see cref="LabView"/> is made of, kept as an informer
/// keeps one: each kind listed across all namespaces, then watched from the list's resource
/// version; a watch that ends (the control plane restarted, a 410 Gone) is followed by a fresh
/// list, after a pause that grows from 0.5 s to 5 s while the API does not answer. Every change
/// bumps <see cref="Revision"/> and wakes <see cref="WaitForChangeAsync"/>.
/// </summary>
public sealed class ClusterMirror : IAsyncDisposable
{
    private readonly Func<ApiClient> _connect;
    private readonly TextWriter _log;
    private readonly object _gate = new();
    private readonly Dictionary<(string Kind, string Key), KubeObject> _objects = [];
    private readonly HashSet<string> _following = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _revision;
    private string? _problem;

    /// <param name="connect">A client for the API, asked again before each list (a lab's control plane may have come back on another port).</param>
    public ClusterMirror(Func<ApiClient> connect, TextWriter log)
    {
        _connect = connect;
        _log = log;
    }

    public long Revision
    {
        get
        {
            lock (_gate)
            {
                return _revision;
            }
        }
    }

    public void Start()
    {
        foreach (string kind in LabView.Kinds)
        {
            KindInfo info = KindInfo.ForKind(kind) ?? throw new InvalidOperationException("no kind " + kind);
            _loops.Add(Task.Run(() => Follow(info, _stop.Token)));
        }
    }

    /// <summary>The objects as they stand, with whether every kind is being followed now and, if not, why.</summary>
    public (List<KubeObject> Objects, long Revision, bool Connected, string? Problem) Snapshot()
    {
        lock (_gate)
        {
            bool connected = _following.Count == LabView.Kinds.Length;
            return ([.. _objects.Values], _revision, connected, connected ? null : _problem ?? "connecting to the control plane");
        }
    }

    /// <summary>Returns once <see cref="Revision"/> is past <paramref name="seen"/>.</summary>
    public async Task WaitForChangeAsync(long seen, CancellationToken cancel)
    {
        Task changed;
        lock (_gate)
        {
            if (_revision != seen)
            {
                return;
            }

            changed = _changed.Task;
        }

        await changed.WaitAsync(cancel);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_loops);
        }
        catch (OperationCanceledException)
        {
            // stopped
        }

        _stop.Dispose();
    }

    private async Task Follow(KindInfo kind, CancellationToken stop)
    {
        TimeSpan pause = TimeSpan.FromMilliseconds(500);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using ApiClient api = _connect();
                (List<KubeObject> items, string version) = await api.ListForWatchAsync(kind, null, null, stop);
                Replace(kind.Kind, items);
                pause = TimeSpan.FromMilliseconds(500);
                await api.WatchAsync(kind, null, null, version, (type, o) => Apply(kind.Kind, type, o), stop);
                Lost(kind.Kind, null); // the watch ended (a restart, a timeout): list again at once
                continue;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is CliException or HttpRequestException or IOException or System.Text.Json.JsonException)
            {
                Lost(kind.Kind, e.Message);
            }

            try
            {
                await Task.Delay(pause, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            pause = TimeSpan.FromMilliseconds(Math.Min(5000, pause.TotalMilliseconds * 2));
        }
    }

    private void Replace(string kind, List<KubeObject> items)
    {
        lock (_gate)
        {
            foreach (var key in _objects.Keys.Where(k => k.Kind == kind).ToList())
            {
                _objects.Remove(key);
            }

            foreach (KubeObject o in items)
            {
                o.Json["kind"] ??= kind; // list items may leave their kind to the list
                _objects[(kind, LabView.KeyOf(o))] = o;
            }

            if (_following.Add(kind) && _following.Count == LabView.Kinds.Length && _problem != null)
            {
                _log.WriteLine($"{DateTime.UtcNow:HH:mm:ss} following the cluster again");
                _problem = null;
            }

            Bump();
        }
    }

    private void Apply(string kind, string type, KubeObject o)
    {
        lock (_gate)
        {
            switch (type)
            {
                case "ADDED":
                case "MODIFIED":
                    o.Json["kind"] ??= kind;
                    _objects[(kind, LabView.KeyOf(o))] = o;
                    break;
                case "DELETED":
                    _objects.Remove((kind, LabView.KeyOf(o)));
                    break;
                default:
                    return; // BOOKMARK: nothing changed
            }

            Bump();
        }
    }

    private void Lost(string kind, string? why)
    {
        lock (_gate)
        {
            bool was = _following.Remove(kind);
            if (why != null && (was || _problem == null))
            {
                _log.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {kind}: {why}");
            }

            _problem = why ?? _problem;
            if (was)
            {
                Bump();
            }
        }
    }

    // Under _gate.
    private void Bump()
    {
        _revision++;
        TaskCompletionSource woken = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        woken.SetResult();
    }
}
