using System.CommandLine;

namespace Edge.Cli;

/// <summary>Options every cluster command takes, as kubectl's do: which namespace, which lab, which server.</summary>
public static class GlobalOptions
{
    public static readonly Option<string?> Namespace = new("--namespace", "-n")
    {
        Description = "The namespace (default: default)",
        Recursive = true,
    };

    public static readonly Option<string> Lab = new("--lab")
    {
        Description = "Which lab on this machine (default: $EDGE_LAB, else \"lab\")",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("EDGE_LAB") is { Length: > 0 } lab ? lab : "lab",
    };

    public static readonly Option<string?> Server = new("--server", "-s")
    {
        Description = "The control plane's API address (default: $EDGE_SERVER, else the lab's)",
        Recursive = true,
    };

    public static void AddTo(RootCommand root)
    {
        root.Add(Namespace);
        root.Add(Lab);
        root.Add(Server);
    }
}
