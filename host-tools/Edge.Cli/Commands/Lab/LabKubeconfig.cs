using Edge.Host.Lab;

namespace Edge.Cli.Commands.Lab;

/// <summary>
/// A kubeconfig for the lab's API, kept in the lab's directory, so the real kubectl talks to the
/// lab as it would to a cluster: `export KUBECONFIG=...` (or `kubectl --kubeconfig ...`). Written
/// again by every `lab up`, as the API's port may change when the control plane restarts.
/// </summary>
public static class LabKubeconfig
{
    public static string PathFor(string lab) => Path.Combine(LabState.DirectoryFor(lab), "kubeconfig");

    /// <summary>The lab's cluster, user and context name in kubeconfigs: edge-lab for the lab named lab.</summary>
    public static string ContextFor(string lab) => "edge-" + lab;

    public static string Write(LabState state)
    {
        string name = ContextFor(state.Name);
        string user = string.IsNullOrEmpty(state.Token) ? "{}" : $"\n    token: {state.Token}";
        string text = $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: {name}
              cluster:
                server: {state.Server}
            users:
            - name: {name}
              user: {user}
            contexts:
            - name: {name}
              context:
                cluster: {name}
                user: {name}
                namespace: default
            current-context: {name}

            """;
        string path = PathFor(state.Name);
        File.WriteAllText(path, text);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite); // a token may be in it
        }

        return path;
    }
}
