using Edge.Host.Sessions;

namespace Edge.Host.Controllers;

/// <summary>
/// The kubelet's events about probes, from what boards report: "Unhealthy" (Warning) with the
/// probe's failure each time a container's probes start failing or fail differently, and
/// "Killing" when a failed liveness or startup probe stopped it (it starts again after its
/// back-off). Remembers, per container of each pod incarnation, the last failure it saw and
/// whether it ran.
/// </summary>
public sealed class ProbeEvents
{
    private readonly Dictionary<(string Uid, string Container), (string Failure, bool Running, int Restarts)> _seen = [];

    /// <summary>The events the report brings, as (type, reason, message).</summary>
    public IReadOnlyList<(string Type, string Reason, string Message)> From(PodReport report)
    {
        var events = new List<(string, string, string)>();
        foreach (ContainerReport container in report.Containers)
        {
            var key = (report.Uid, container.Name);
            (string failure, bool wasRunning, int restarts) = _seen.GetValueOrDefault(key, ("", container.Running, container.Restarts));
            if (container.ProbeFailure.Length > 0 && container.ProbeFailure != failure)
            {
                events.Add(("Warning", "Unhealthy", container.ProbeFailure));
            }

            string why = container.ProbeFailure;
            bool stopped = (wasRunning && !container.Running) || container.Restarts > restarts; // a first restart is at once: seen as a restart
            if (stopped && (why.StartsWith("Liveness", StringComparison.Ordinal) || why.StartsWith("Startup", StringComparison.Ordinal)))
            {
                string probe = why.StartsWith("Liveness", StringComparison.Ordinal) ? "liveness" : "startup";
                events.Add(("Normal", "Killing", $"Container {container.Name} failed {probe} probe, will be restarted"));
            }

            _seen[key] = (container.ProbeFailure, container.Running, container.Restarts);
        }

        return events;
    }

    /// <summary>The containers it remembers.</summary>
    public int Count => _seen.Count;

    /// <summary>Forgets pods that are gone (their uids not in <paramref name="live"/>).</summary>
    public void Keep(IReadOnlySet<string> live)
    {
        foreach (var key in _seen.Keys.Where(k => !live.Contains(k.Uid)).ToList())
        {
            _seen.Remove(key);
        }
    }
}
