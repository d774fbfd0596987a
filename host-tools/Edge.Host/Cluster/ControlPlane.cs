using System.Collections.Concurrent;
using System.Threading.Channels;
using Edge.Dataplane.Mgmt;
using Edge.Host.Allocation;
using Edge.Host.Compile;
using Edge.Host.Controllers;
using Edge.Host.Objects;
using Edge.Host.Sessions;
using Edge.Host.Store;
using Edge.Host.Trust;

namespace Edge.Host.Cluster;

/// <summary>
/// The primary node at work: one loop runs the controllers whenever the store changes, a board
/// reports, or the clock ticks, then compiles each connected board's state and pushes it when it
/// differs from what the board acknowledged. Each board has its own connection task that dials
/// its link, turns the hello into a Node, feeds heartbeats in, and redials when the line drops.
/// Everything that decides reads the store, so a restarted control plane carries on where it was.
/// </summary>
public sealed class ControlPlane : IAsyncDisposable
{
    private readonly ObjectStore _store;
    private readonly ControlPlaneOptions _options;
    private readonly TextWriter _log;
    private readonly ClusterNetwork _network = new();
    private readonly ClusterReconciler _reconciler;
    private readonly ProbeEvents _probeEvents = new();
    private readonly Random _random = new();
    private readonly Lock _controllers = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ConcurrentDictionary<string, BoardHeartbeat> _heartbeats = new();
    private readonly ConcurrentQueue<(BoardConnection Connection, BoardHello Hello, TaskCompletionSource<string?> Done)> _hellos = new();
    private readonly ConcurrentDictionary<string, BoardConnection> _connections = new();
    private readonly List<Task> _tasks = [];
    private readonly CancellationTokenSource _stop = new();
    private volatile ClusterKey? _clusterKey;
    private readonly SemaphoreSlim _rekeying = new(1, 1);

    public ControlPlane(ObjectStore store, ControlPlaneOptions? options = null, TextWriter? log = null)
    {
        _store = store;
        _options = options ?? new ControlPlaneOptions();
        _clusterKey = _options.ClusterKey;
        _log = TextWriter.Synchronized(log ?? TextWriter.Null);
        _reconciler = new ClusterReconciler(store, _network, new Random(), () => DateTime.UtcNow, _options.Lifecycle, _options.ApiEndpoint);
        _store.Changed += _ => Wake();
    }

    public ObjectStore Store => _store;

    public ClusterNetwork Network => _network;

    public IReadOnlyCollection<BoardConnection> Boards => _connections.Values.OrderBy(c => c.NodeName ?? c.Link.ToString(), StringComparer.Ordinal).ToList();

    /// <summary>Makes what a new cluster starts with, then starts the controller loop and a connection for every board the store already knows (edge.dev/link on its Node).</summary>
    public void Start(IEnumerable<BoardLink>? extraBoards = null)
    {
        DefaultIngressClass.Seed(_store);
        foreach (KubeObject node in _store.List("Node").Items)
        {
            if ((string?)node.Metadata["annotations"]?[BoardLink.Annotation] is string text)
            {
                try
                {
                    AddBoard(BoardLink.Parse(text));
                }
                catch (FormatException e)
                {
                    Log($"node {node.Name}: {e.Message}");
                }
            }
        }

        foreach (BoardLink link in extraBoards ?? [])
        {
            AddBoard(link);
        }

        lock (_tasks)
        {
            _tasks.Add(Task.Run(() => ControllerLoop(_stop.Token)));
        }
    }

    /// <summary>Dials a board (again, if it is already known: then nothing changes).</summary>
    public BoardConnection AddBoard(BoardLink link)
    {
        var connection = new BoardConnection(link);
        if (!_connections.TryAdd(link.ToString(), connection))
        {
            return _connections[link.ToString()];
        }

        lock (_tasks)
        {
            _tasks.Add(Task.Run(() => ConnectionLoop(connection, _stop.Token)));
        }

        return connection;
    }

    /// <summary>The open session to the board that runs a node, or null.</summary>
    public BoardClient? SessionFor(string nodeName) =>
        _connections.Values.FirstOrDefault(c => c.NodeName == nodeName && c.Connected)?.Client;

    /// <summary>
    /// The names of the policies a node's board enforces, by the index the board knows them by
    /// (the state it last acknowledged); empty when it enforces none or is not synced.
    /// </summary>
    public IReadOnlyList<string> PolicyNamesOf(string nodeName) =>
        _connections.Values.FirstOrDefault(c => c.NodeName == nodeName && c.Connected)?.SyncedState?.Policies?.Names ?? [];

    public void Wake() => _wake.Writer.TryWrite(true);

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        Task[] tasks;
        lock (_tasks)
        {
            tasks = _tasks.ToArray();
        }

        try
        {
            await Task.WhenAll(tasks);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }

        foreach (BoardConnection c in _connections.Values)
        {
            if (c.Client != null)
            {
                await c.Client.DisposeAsync();
            }
        }
    }

    private async Task ControllerLoop(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                lock (_controllers)
                {
                    RegisterBoards();
                    RecordHeartbeats();
                    _reconciler.ReconcileUntilSettled();
                }

                SyncBoards();
            }
            catch (Exception e) when (e is StoreException or InvalidOperationException or AllocationException)
            {
                Log($"controllers: {e.Message}");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A bug in one controller must not stop every other for good (nothing would be
                // scheduled or synced again): said with its stack, and the next pass tries again.
                Log($"controllers: a pass failed: {e}");
            }

            using var tick = CancellationTokenSource.CreateLinkedTokenSource(stop);
            tick.CancelAfter(_options.Tick);
            try
            {
                await _wake.Reader.ReadAsync(tick.Token);
            }
            catch (OperationCanceledException)
            {
                // the tick: judge nodes by the clock even when nothing else happened
            }
        }
    }

    /// <summary>Hellos become Nodes here, on the controller loop, because pod CIDRs come from the one allocator.</summary>
    private void RegisterBoards()
    {
        while (_hellos.TryDequeue(out var item))
        {
            (BoardConnection connection, BoardHello hello, TaskCompletionSource<string?> done) = item;
            BoardConnection? other = _connections.Values.FirstOrDefault(c => c != connection && c.Connected && c.NodeName == hello.Name);
            if (other != null)
            {
                done.SetResult($"another board ({other.Link}) is already node {hello.Name}; give each board its own name (edgectl board provision)");
                continue;
            }

            try
            {
                KubeObject? stored = _store.Get("Node", "", hello.Name);
                KubeObject? node = NodeRegistration.Register(stored, hello, connection.Link, _network);
                if (node != null)
                {
                    _ = stored == null ? _store.Create(node) : _store.Update(node);
                }

                _reconciler.RecordHeartbeat(hello.Name, DateTime.UtcNow);
                done.SetResult(null);
            }
            catch (Exception e) when (e is StoreException or AllocationException)
            {
                done.SetResult($"cannot register node {hello.Name}: {e.Message}");
            }
        }
    }

    /// <summary>The latest heartbeat of each board: the node is alive, and its pods are as it says.</summary>
    private void RecordHeartbeats()
    {
        foreach (string node in _heartbeats.Keys)
        {
            if (!_heartbeats.TryRemove(node, out BoardHeartbeat? heartbeat))
            {
                continue;
            }

            DateTime at = heartbeat.At.UtcDateTime;
            _reconciler.RecordHeartbeat(node, at);
            foreach (PodReport report in heartbeat.Pods)
            {
                KubeObject? pod = _store.Get("Pod", report.Namespace, report.Name);
                if (pod != null && (string?)pod.Spec?["nodeName"] == node && Compile.PodIncarnation.Same((string?)pod.Metadata["uid"], report.Uid))
                {
                    foreach ((string type, string reason, string message) in _probeEvents.From(report))
                    {
                        RecordKubeletEvent(pod, type, reason, message, at);
                    }
                }

                if (pod != null && (string?)pod.Spec?["nodeName"] == node && PodStatusFromBoard.Apply(pod, report, at))
                {
                    try
                    {
                        _store.Update(pod);
                    }
                    catch (StoreException e) when (e.Error is StoreError.Conflict or StoreError.NotFound)
                    {
                        // changed or deleted meanwhile: the next heartbeat says it again
                    }
                }
            }
        }

        if (_probeEvents.Count > 0)
        {
            // What it remembers of pods that are gone is let go (their incarnations, as boards report them).
            _probeEvents.Keep(_store.List("Pod").Items.Select(p => PodIncarnation.Of((string?)p.Metadata["uid"] ?? "")).ToHashSet(StringComparer.Ordinal));
        }
    }

    // The kubelet's recorder: the same event about the same pod again is one event counted
    // (count, lastTimestamp), not a new one each time a probe fails.
    private void RecordKubeletEvent(KubeObject pod, string type, string reason, string message, DateTime at)
    {
        string? uid = (string?)pod.Metadata["uid"];
        KubeObject? same = _store.List("Event", pod.Namespace).Items.FirstOrDefault(e => (string?)e.Json["involvedObject"]?["uid"] == uid
            && (string?)e.Json["reason"] == reason && (string?)e.Json["message"] == message);
        try
        {
            if (same == null)
            {
                _store.Create(KubeEvents.Create(pod, type, reason, message, "kubelet", at, _random));
                return;
            }

            same.Json["count"] = (JsonNumbers.AsInt(same.Json["count"]) ?? 1) + 1;
            same.Json["lastTimestamp"] = KubeTime.Format(at);
            _store.Update(same);
        }
        catch (StoreException)
        {
            // the pod's namespace going, or the event changed meanwhile: the next failure says it again
        }
    }

    /// <summary>Pushes each connected board its compiled state when it differs from what the board acknowledged.</summary>
    private void SyncBoards()
    {
        foreach (BoardConnection connection in _connections.Values)
        {
            if (!connection.Connected || connection.Sending || connection.NodeName is not string nodeName)
            {
                continue;
            }

            DesiredState state;
            byte[] content;
            lock (_controllers)
            {
                try
                {
                    state = BoardStateCompiler.Compile(nodeName, _store.List("Node").Items, _store.List("Pod").Items,
                        _store.List("Service").Items, _store.List("Endpoints").Items, _network, 0, _store.List("OverlayPeer").Items,
                        _store.List("Namespace").Items, _store.List("NetworkPolicy").Items, _store.List("Ingress").Items,
                        _store.List("IngressClass").Items, _store.List("Secret").Items, _store.List("ConfigMap").Items);
                }
                catch (ArgumentException e)
                {
                    Log($"{nodeName}: cannot compile its tables: {e.Message}");
                    continue;
                }

                content = StateDiff.Bytes(state);
            }

            // Every change to the store (a Secret's too) wakes this loop and every board's state is
            // compiled afresh; a board is sent one when it differs from what the board acknowledged.
            if (connection.SyncedContent != null && content.AsSpan().SequenceEqual(connection.SyncedContent)
                && StateDiff.SameTls(connection.SyncedState?.Tls, state.Tls))
            {
                continue;
            }

            state.Generation = connection.Generation + 1;
            StateChange? change = connection.SyncedState != null ? StateDiff.Compute(connection.SyncedState, state) : null;
            uint baseGeneration = connection.Generation;
            connection.Sending = true;
            BoardClient client = connection.Client!;
            _ = Task.Run(async () =>
            {
                try
                {
                    if (change != null)
                    {
                        await client.SendDeltaAsync(baseGeneration, change, _options.BoardTimeout);
                        connection.DeltasSent++;
                    }
                    else
                    {
                        await client.SendSnapshotAsync(state, _options.BoardTimeout);
                        connection.SnapshotsSent++;
                    }

                    connection.Generation = state.Generation;
                    connection.SyncedContent = content;
                    connection.SyncedState = state;
                    connection.LastSnapshotBytes = client.LastSnapshotBytes;
                    if (connection.SyncError != null)
                    {
                        Log($"{nodeName}: synced again at generation {state.Generation}");
                        connection.SyncError = null;
                    }
                }
                catch (BoardSessionException e)
                {
                    if (connection.SyncError == null)
                    {
                        // Once per failing spell: the loop retries every tick, the log and the node's events should not.
                        Log($"{nodeName}: {(change != null ? "delta" : "snapshot")} for generation {state.Generation} failed: {e.Message}");
                        RecordSyncFailed(nodeName, e.Message);
                    }

                    connection.SyncError = e.Message;
                    connection.SyncFailures++;

                    connection.SyncedContent = null;
                    connection.SyncedState = null; // the next sync is a full snapshot
                }
                finally
                {
                    connection.Sending = false;
                    Wake();
                }
            });
        }
    }

    /// <summary>The cluster's key as boards are shown it now (null: none).</summary>
    public ClusterKey? ClusterKey => _clusterKey;

    /// <summary>
    /// `edgectl board rekey`: a new cluster key, kept first (<see cref="ControlPlaneOptions.SaveKey"/>;
    /// the old one stays as the previous), then given to every connected board under its
    /// session. A board that is off, or fails, keeps the old key and is given the new one when it
    /// next connects (it proves the previous key). Returns each board's outcome.
    /// </summary>
    public async Task<IReadOnlyList<(string Board, string? Error)>> RekeyAsync()
    {
        await _rekeying.WaitAsync(); // one rotation at a time: two from the same key would strand the boards that took the first
        try
        {
            return await RotateAsync();
        }
        finally
        {
            _rekeying.Release();
        }
    }

    private async Task<IReadOnlyList<(string Board, string? Error)>> RotateAsync()
    {
        ClusterKey current = _clusterKey ?? throw new InvalidOperationException("this control plane has no cluster key to rotate");
        ClusterKey next = current.Rotated();
        _options.SaveKey?.Invoke(next);
        _clusterKey = next;
        Log($"cluster key rotated: {current.Describe()} → key {Edge.Dataplane.Trust.SessionAuth.Describe(next.Id)}");
        var outcomes = new List<(string, string?)>();
        foreach (BoardConnection board in Boards)
        {
            string name = board.NodeName ?? board.Link.ToString();
            if (board.Client is not { Connected: true } client)
            {
                outcomes.Add((name, "not connected: it gets the new key when it next connects (it still proves the previous one)"));
                continue;
            }

            try
            {
                await client.RekeyAsync(next, _options.BoardTimeout);
                outcomes.Add((name, null));
                Log($"{name}: took the new cluster key");
            }
            catch (Exception e) when (e is BoardSessionException or IOException or ObjectDisposedException)
            {
                // It keeps the previous key, which this control plane still takes: it gets the new one when it next connects.
                outcomes.Add((name, e.Message));
                Log($"{name}: rekey failed: {e.Message}");
            }
        }

        return outcomes;
    }

    /// <summary>A Warning on the node (`edgectl describe node` lists it): its board did not take its tables.</summary>
    private void RecordSyncFailed(string nodeName, string reason)
    {
        if (_store.Get("Node", "", nodeName) is { } node)
        {
            _store.Create(KubeEvents.Create(node, "Warning", "SyncFailed", $"the board did not take its tables: {reason}", "edge-controlplane", DateTime.UtcNow, Random.Shared));
        }
    }

    private void Log(string line) => _log.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {line}");

    private async Task ConnectionLoop(BoardConnection connection, CancellationToken stop)
    {
        string? lastProblem = null;
        int refusals = 0;
        while (!stop.IsCancellationRequested)
        {
            BoardClient? client = null;
            string problem;
            bool untrusted = false;
            try
            {
                client = await connection.Link.ConnectAsync(_clusterKey, stop);
                BoardHello hello = await client.HelloAsync(_options.BoardTimeout);
                if (client.UsedPreviousKey && _clusterKey is { } key)
                {
                    // It was off when the cluster was rekeyed: it proved the old key, so it gets the new one now.
                    await client.RekeyAsync(key, _options.BoardTimeout);
                    Log($"{hello.Name}: still had the cluster's previous key; gave it the current one ({key.Describe()})");
                }

                var registered = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
                _hellos.Enqueue((connection, hello, registered));
                Wake();
                if (await registered.Task.WaitAsync(stop) is string refusal)
                {
                    throw new BoardSessionException(refusal);
                }

                client.Heartbeat += heartbeat =>
                {
                    _heartbeats[hello.Name] = heartbeat;
                    Wake();
                };
                connection.Attach(client, hello);
                lastProblem = null;
                Log($"{hello.Name}: connected over {connection.Link} (firmware {hello.Firmware}, generation {hello.AppliedGeneration})");
                Wake();
                while (client.Connected && !stop.IsCancellationRequested)
                {
                    await Task.Delay(100, stop);
                }

                problem = client.Broken is { } broken
                    ? $"{broken}; redialling {connection.Link}"
                    : $"the line closed (board reset, unplugged or stopped); redialling {connection.Link}";
            }
            catch (BoardSessionException e)
            {
                problem = e.Message;
                untrusted = e.Untrusted;
            }
            catch (TimeoutException)
            {
                problem = $"no hello within {_options.BoardTimeout.TotalSeconds:0} s: is Edge firmware running on it?";
            }
            catch (OperationCanceledException)
            {
                problem = "stopping";
            }
            catch (Exception e)
            {
                // Whatever went wrong with this board, its connection task goes on and redials: a
                // board the control plane stops dialling is a node lost for good.
                problem = $"internal error talking to the board ({e.GetType().Name}: {e.Message}); redialling {connection.Link}";
            }
            finally
            {
                if (client != null)
                {
                    await client.DisposeAsync();
                }
            }

            connection.Detach(problem, untrusted);
            if (problem != lastProblem && !stop.IsCancellationRequested)
            {
                Log($"{connection.NodeName ?? connection.Link.ToString()}: {problem}");
                lastProblem = problem;
            }

            try
            {
                // A board that refuses this control plane is asked again less and less often (up to
                // every 30 s): it will not change its mind by itself, and its console logs each try.
                refusals = untrusted ? refusals + 1 : 0;
                TimeSpan wait = untrusted
                    ? TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(30).Ticks, _options.RetryAfter.Ticks << Math.Min(refusals - 1, 10)))
                    : _options.RetryAfter;
                await Task.Delay(wait, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
