using System.Security.Cryptography;
using Edge.Dataplane.Agent;
using Edge.Dataplane.Net;
using Edge.Host.Api;
using Edge.Host.Cluster;
using Edge.Host.Compile;
using Edge.Host.Objects;
using Edge.Host.Sessions;

namespace Edge.Host.Trace;

/// <summary>What `edgectl trace` asks: from, to, port (null: ping), in a namespace; follow the next real packet rather than send one; how long to wait.</summary>
public sealed record TraceRequest(string From, string To, string? Port, string Namespace = "default", bool Follow = false, double WaitSeconds = 0)
{
    /// <summary>How long a trace waits for its packet's way to end: a sent packet's is quick; a followed one waits for the pod to send.</summary>
    public TimeSpan Wait => TimeSpan.FromSeconds(WaitSeconds > 0 ? WaitSeconds : Follow ? 60 : 3);
}

/// <summary>A trace's outcome: the hops in order, whether the way ended, what to say about it, and names for the addresses seen.</summary>
public sealed record TraceResult(
    string From,
    string To,
    string Protocol,
    int Mark,
    IReadOnlyList<TraceHop> Request,
    IReadOnlyList<TraceHop> Reply,
    IReadOnlyList<TraceHop> Unplaced,
    bool Complete,
    IReadOnlyList<string> Notes,
    IReadOnlyDictionary<string, string> Names)
{
    /// <summary>Whether the request's way ended (delivered, refused or dropped), answered or not: the packet was never lost from sight.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool RequestEnded => Request.Count > 0 && Request[^1].Ends;
}

/// <summary>
/// Runs a trace across the cluster's boards: every board armed to record the mark (the others
/// first, so no hop is missed), the source board told to send the packet (or follow the next
/// one), the boards' hops read until the packet's way and its reply's have ended or the wait
/// runs out, then every board's trace cleared (also when the trace fails).
/// </summary>
public sealed class PacketTracer(ControlPlane controlPlane)
{
    private static readonly TimeSpan BoardTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How often the boards' hops are read while waiting.</summary>
    private static readonly TimeSpan ReadEvery = TimeSpan.FromMilliseconds(100);

    public async Task<TraceResult> RunAsync(TraceRequest request, CancellationToken cancel)
    {
        TraceSource from = TraceTargets.Source(controlPlane.Store, request.From, request.Namespace);
        TraceDestination to = TraceTargets.Destination(controlPlane.Store, request.To, request.Namespace, request.Port);
        BoardClient source = controlPlane.SessionFor(from.Node)
            ?? throw new TraceException($"node {from.Node}'s board is not connected (edgectl get boards): the trace starts there");
        List<BoardConnection> others = controlPlane.Boards.Where(b => b.Connected && b.NodeName != null && b.NodeName != from.Node).ToList();
        int mark = RandomNumberGenerator.GetInt32(1, 0x7FFF) * 2;
        TimeSpan armedFor = request.Wait + BoardTimeout;
        var notes = new List<string>();
        var recording = new List<(string Node, BoardClient Client)> { (from.Node, source) };
        try
        {
            foreach (BoardConnection board in others)
            {
                try
                {
                    await board.Client!.TraceStartAsync(mark, armedFor, PacketTrace.RecordOnly, null, null, 0, 0, 0, BoardTimeout);
                    recording.Add((board.NodeName!, board.Client));
                }
                catch (BoardSessionException e)
                {
                    notes.Add($"{board.NodeName} records nothing: {e.Message}");
                }
            }

            try
            {
                await source.TraceStartAsync(mark, armedFor, request.Follow ? PacketTrace.FollowNext : PacketTrace.SendOne,
                    from.Namespace, from.Pod, to.Protocol, to.Address, to.Port, BoardTimeout);
            }
            catch (BoardSessionException e)
            {
                throw new TraceException($"{from.Node} could not start the trace: {e.Message}");
            }

            Dictionary<uint, string> nodesByAddress = controlPlane.Store.List("Node").Items
                .Where(n => BoardStateCompiler.BoardAddress(n) != 0)
                .ToDictionary(n => BoardStateCompiler.BoardAddress(n), n => n.Name);
            DateTime deadline = DateTime.UtcNow + request.Wait;
            TracePath path;
            while (true)
            {
                Dictionary<string, TraceBatch> batches = await ReadAsync(recording, notes);
                path = TracePath.Order(batches, from.Node, a => nodesByAddress.GetValueOrDefault(a));
                if (path.Complete || DateTime.UtcNow >= deadline)
                {
                    AddLost(batches, notes);
                    break;
                }

                await Task.Delay(ReadEvery, cancel);
            }

            if (!path.Complete)
            {
                notes.Add(path.Request.Count == 0
                    ? (request.Follow ? $"{from} sent nothing to {to.Described} ({to.ProtocolName}) within {request.Wait.TotalSeconds:0.#} s" : "the packet was not seen leaving the pod")
                    : !path.RequestEnded ? $"the packet was last seen at hop {path.Request.Count} (no board recorded it after within {request.Wait.TotalSeconds:0.#} s)"
                    : $"no answer came back within {request.Wait.TotalSeconds:0.#} s");
            }

            return new TraceResult(from.ToString(), to.Described, to.ProtocolName, mark, path.Request, path.Reply, path.Unplaced, path.Complete, notes, Names());
        }
        finally
        {
            foreach ((_, BoardClient client) in recording)
            {
                try
                {
                    await client.TraceStartAsync(mark, TimeSpan.Zero, PacketTrace.RecordOnly, null, null, 0, 0, 0, BoardTimeout);
                }
                catch (BoardSessionException)
                {
                    // a board gone since: its trace runs out on its own
                }
            }
        }
    }

    private async Task<Dictionary<string, TraceBatch>> ReadAsync(List<(string Node, BoardClient Client)> recording, List<string> notes)
    {
        var batches = new Dictionary<string, TraceBatch>();
        foreach ((string node, BoardClient client) in recording)
        {
            try
            {
                string text = await client.ViewAsync(BoardSession.ViewTrace, BoardTimeout);
                batches[node] = TraceBatch.Parse(node, PolicyViewNames.Restore(text, controlPlane.PolicyNamesOf(node)));
            }
            catch (BoardSessionException e)
            {
                string note = $"{node}'s hops could not be read: {e.Message}";
                if (!notes.Contains(note))
                {
                    notes.Add(note);
                }
            }
        }

        return batches;
    }

    private static void AddLost(Dictionary<string, TraceBatch> batches, List<string> notes)
    {
        foreach ((string node, TraceBatch batch) in batches.Where(b => b.Value.Lost > 0))
        {
            notes.Add($"{node} had room for {batch.Hops.Count} hops and let {batch.Lost} more go");
        }
    }

    // Pods, Services and nodes by address, for the hops' headers.
    private Dictionary<string, string> Names()
    {
        var names = new Dictionary<string, string>();
        foreach (KubeObject node in controlPlane.Store.List("Node").Items)
        {
            if (BoardStateCompiler.BoardAddress(node) is uint address and not 0)
            {
                names[Edge.Dataplane.Wire.Ipv4Address.Format(address)] = $"node/{node.Name}";
            }

            // Its bridge's gateway (.1 of its pod CIDR): where a node's own answers and masqueraded packets come from.
            if (Edge.Dataplane.Wire.Ipv4Address.TryParseCidr((string?)node.Spec?["podCIDR"] ?? "", out uint network, out _))
            {
                names[Edge.Dataplane.Wire.Ipv4Address.Format(network + 1)] = $"node/{node.Name}";
            }
        }

        foreach (KubeObject service in controlPlane.Store.List("Service").Items)
        {
            if ((string?)service.Spec?["clusterIP"] is { Length: > 0 } ip && ip != "None")
            {
                names[ip] = $"svc/{service.Namespace}/{service.Name}";
            }
        }

        foreach (KubeObject pod in controlPlane.Store.List("Pod").Items)
        {
            if ((string?)pod.Json["status"]?["podIP"] is { Length: > 0 } ip && (bool?)pod.Spec?["hostNetwork"] != true)
            {
                names[ip] = $"{pod.Namespace}/{pod.Name}";
            }
        }

        return names;
    }
}
