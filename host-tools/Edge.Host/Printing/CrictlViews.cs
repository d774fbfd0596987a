using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Edge.Dataplane.Net;
using Edge.Dataplane.Wire;
using Edge.Host.Objects;

namespace Edge.Host.Printing;

/// <summary>
/// A node's pod sandboxes and containers in crictl's layout (<c>crictl pods</c>, <c>crictl ps -a</c>),
/// as the board reports them: the sandbox is the pod's network (its one IP and MAC, what Docker's
/// pause container holds), each container runs in it. IDs are crictl's 13 hex digits, made from the
/// pod's uid (the sandbox) and from the uid, the container's name and its attempt (a container
/// started again is a new container, as in a runtime).
/// </summary>
public static class CrictlViews
{
    // crictl's tabwriter: columns at least 20 wide, 3 spaces apart.
    private const int MinWidth = 20;
    private const int Padding = 3;

    public static string Sandboxes(IEnumerable<KubeObject> podsOnNode, DateTime now)
    {
        var rows = new List<string[]> { new[] { "POD ID", "CREATED", "STATE", "NAME", "NAMESPACE", "ATTEMPT", "RUNTIME" } };
        foreach (KubeObject pod in Ordered(podsOnNode))
        {
            rows.Add([SandboxId(pod), Ago((string?)pod.Metadata["creationTimestamp"], now), SandboxReady(pod) ? "Ready" : "NotReady", pod.Name, pod.Namespace, "0", "(default)"]);
        }

        return Table(rows);
    }

    public static string Containers(IEnumerable<KubeObject> podsOnNode, DateTime now)
    {
        var rows = new List<string[]> { new[] { "CONTAINER", "IMAGE", "CREATED", "STATE", "NAME", "ATTEMPT", "POD ID", "POD" } };
        foreach (KubeObject pod in Ordered(podsOnNode))
        {
            foreach (JsonNode? status in pod.Json["status"]?["containerStatuses"] as JsonArray ?? [])
            {
                JsonObject? state = status?["state"] as JsonObject;
                string? started = (string?)state?["running"]?["startedAt"];
                if (state?["running"] == null && status?["lastState"]?["terminated"] == null)
                {
                    continue; // never created: the runtime has no container for it (CreateContainerConfigError, an image not built in)
                }

                int attempt = JsonNumbers.AsInt(status?["restartCount"]) ?? 0;
                string name = (string?)status?["name"] ?? "";
                rows.Add([ContainerId(pod, name, attempt), (string?)status?["image"] ?? "", Ago(started ?? (string?)pod.Metadata["creationTimestamp"], now),
                    state?["running"] != null ? "Running" : "Exited", name, attempt.ToString(System.Globalization.CultureInfo.InvariantCulture), SandboxId(pod), pod.Name]);
            }
        }

        return Table(rows);
    }

    /// <summary>The sandbox as `describe pod` names it: its ID, and the network its containers share.</summary>
    public static string Describe(KubeObject pod)
    {
        if (!Ipv4Address.TryParse((string?)pod.Json["status"]?["podIP"] ?? "", out uint ip))
        {
            return "<none>";
        }

        return $"{SandboxId(pod)} (IP {Ipv4Address.Format(ip)}, MAC {MacAddress.Format(NodeConfig.PodMacFor(ip))}, shared by its containers)";
    }

    public static string SandboxId(KubeObject pod) => Id("sandbox/" + (string?)pod.Metadata["uid"]);

    public static string ContainerId(KubeObject pod, string container, int attempt) => Id($"container/{(string?)pod.Metadata["uid"]}/{container}/{attempt}");

    // The board runs the sandbox once the pod is on it and its configuration could be made.
    private static bool SandboxReady(KubeObject pod) =>
        (string?)pod.Json["status"]?["phase"] == "Running" && !Controllers.ContainerConfig.Blocked(pod);

    private static IEnumerable<KubeObject> Ordered(IEnumerable<KubeObject> pods) =>
        pods.OrderBy(p => p.Namespace, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal);

    private static string Id(string seed) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(seed)))[..13];

    // crictl's CREATED: "About a minute ago", "3 minutes ago" (go-units' HumanDuration).
    private static string Ago(string? timestamp, DateTime now)
    {
        if (KubeTime.Parse(timestamp) is not DateTime then)
        {
            return "<unknown>";
        }

        double seconds = Math.Max(0, (now - then).TotalSeconds);
        string human = seconds < 1 ? "Less than a second"
            : seconds < 60 ? $"{(int)seconds} seconds"
            : seconds < 120 ? "About a minute"
            : seconds < 3600 ? $"{(int)(seconds / 60)} minutes"
            : seconds < 7200 ? "About an hour"
            : seconds < 172800 ? $"{(int)(seconds / 3600)} hours"
            : $"{(int)(seconds / 86400)} days";
        return human + " ago";
    }

    private static string Table(List<string[]> rows)
    {
        int columns = rows[0].Length;
        var widths = new int[columns];
        for (int c = 0; c < columns - 1; c++)
        {
            widths[c] = Math.Max(MinWidth, rows.Max(r => r[c].Length) + Padding);
        }

        var text = new StringBuilder();
        foreach (string[] row in rows)
        {
            for (int c = 0; c < columns; c++)
            {
                text.Append(c == columns - 1 ? row[c] : row[c].PadRight(widths[c]));
            }

            text.Append('\n');
        }

        return text.ToString();
    }
}
