namespace Edge.Host.Allocation;

/// <summary>An address or port that cannot be given, with the field it is for and what to do.</summary>
public sealed class AllocationException(string field, string message) : Exception($"{field}: {message}")
{
    public string Field { get; } = field;
}
