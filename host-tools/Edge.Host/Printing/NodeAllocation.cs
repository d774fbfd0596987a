using System.Text.Json.Nodes;
using Edge.Host.Objects;
using Edge.Host.Scheduling;

namespace Edge.Host.Printing;

/// <summary>
/// A Node's "Non-terminated Pods" and "Allocated resources" sections as kubectl's describeNode
/// prints them: each pod's cpu and memory requests and limits with their share of what the node
/// offers, then the sums, so an attendee sees why the scheduler said "Insufficient memory":
/// <code>
/// Non-terminated Pods:          (1 in total)
///   Namespace  Name   CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age
///   ---------  ----   ------------  ----------  ---------------  -------------  ---
///   default    web-1  100m (10%)    0 (0%)      2Ki (25%)        4Ki (50%)      3m
/// Allocated resources:
///   (Total limits may be over 100 percent, i.e., overcommitted.)
///   Resource  Requests    Limits
///   --------  --------    ------
///   cpu       100m (10%)  0 (0%)
///   memory    2Ki (25%)   4Ki (50%)
/// </code>
/// </summary>
public static class NodeAllocation
{
    public static void Write(TextWriter o, KubeObject node, IEnumerable<KubeObject> podsOnNode, DateTime now)
    {
        var pods = podsOnNode.Where(p => (string?)p.Json["status"]?["phase"] is not ("Succeeded" or "Failed"))
            .OrderBy(p => p.Namespace, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal).ToList();
        Quantity? cpu = Scheduler.Allocatable(node, PodResources.Cpu);
        Quantity? memory = Scheduler.Allocatable(node, PodResources.Memory);

        o.WriteLine($"Non-terminated Pods:          ({pods.Count} in total)");
        var w = new TabbedText(o);
        if (pods.Count > 0)
        {
            w.Line("  Namespace\tName\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge");
            w.Line("  ---------\t----\t------------\t----------\t---------------\t-------------\t---");
            foreach (KubeObject p in pods)
            {
                (long cpuRequest, long memoryRequest) = PodResources.Requests(p.Spec);
                (long cpuLimit, long memoryLimit) = PodResources.Limits(p.Spec);
                w.Line($"  {p.Namespace}\t{p.Name}\t{Cpu(cpuRequest, cpu)}\t{Cpu(cpuLimit, cpu)}\t{Memory(memoryRequest, memory)}\t{Memory(memoryLimit, memory)}\t"
                    + Age.Of((string?)p.Metadata["creationTimestamp"], now));
            }
        }

        (long cpuRequests, long memoryRequests) = Scheduler.Requested(pods);
        long cpuLimits = pods.Aggregate(0L, (sum, p) => Quantity.Add(sum, PodResources.Limits(p.Spec).MilliCpu));
        long memoryLimits = pods.Aggregate(0L, (sum, p) => Quantity.Add(sum, PodResources.Limits(p.Spec).MemoryBytes));
        w.Flush();
        o.WriteLine("Allocated resources:");
        o.WriteLine("  (Total limits may be over 100 percent, i.e., overcommitted.)");
        w.Line("  Resource\tRequests\tLimits");
        w.Line("  --------\t--------\t------");
        w.Line($"  {PodResources.Cpu}\t{Cpu(cpuRequests, cpu)}\t{Cpu(cpuLimits, cpu)}");
        w.Line($"  {PodResources.Memory}\t{Memory(memoryRequests, memory)}\t{Memory(memoryLimits, memory)}");
        w.Flush();
    }

    public static string Of(KubeObject node, IEnumerable<KubeObject> podsOnNode, DateTime now)
    {
        var o = new StringWriter { NewLine = "\n" };
        Write(o, node, podsOnNode, now);
        return o.ToString();
    }

    // kubectl's share: the sum over what the node offers, as a whole percent rounded down (0% where it offers none).
    private static string Cpu(long milli, Quantity? allocatable) =>
        $"{Quantity.FormatMilli(milli)} ({Percent(milli, allocatable?.MilliValue)}%)";

    private static string Memory(long bytes, Quantity? allocatable) =>
        $"{Quantity.FormatBytes(bytes)} ({Percent(bytes, allocatable?.WholeValue)}%)";

    private static long Percent(long used, long? of) => of is > 0 ? (long)((double)used / of.Value * 100) : 0;
}
