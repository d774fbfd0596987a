namespace Edge.Host.Store;

/// <summary>What `apply` did to an object, as kubectl prints it: "deployment.apps/web configured".</summary>
public enum ApplyOutcome
{
    Created,
    Configured,
    Unchanged,
}
