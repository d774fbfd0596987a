namespace Edge.Dataplane.Tests;

/// <summary>
/// What a piece of work allocates on the managed heap, as the least of a few measurements
/// (GC.GetAllocatedBytesForCurrentThread around it). A collection started meanwhile by another
/// test's thread can charge this thread once with the unused rest of its allocation buffer (seen:
/// 4-5 KB in whole-suite runs, never alone): it does not happen in every measurement, while an
/// allocation the work makes does.
/// </summary>
public static class Allocations
{
    public static long Least(Action work, int measurements = 3)
    {
        long least = long.MaxValue;
        for (int i = 0; i < measurements && least > 0; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            work();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return least;
    }
}
