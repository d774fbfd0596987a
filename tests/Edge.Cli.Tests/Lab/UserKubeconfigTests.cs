using Edge.Cli.Commands.Lab;

namespace Edge.Cli.Tests.Lab;

/// <summary>
/// The lab in kubectl's own kubeconfig, as `kind create cluster` puts a cluster there: merged in
/// under one name and made current, everything else in the file kept; taken out again on purge.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class UserKubeconfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-kubeconfig-").FullName;

    private string File(string name) => Path.Combine(_dir, name);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string Existing = """
        apiVersion: v1
        kind: Config
        preferences: {}
        clusters:
        - name: prod
          cluster:
            server: https://prod.example:6443
            certificate-authority-data: LS0tLS1CRUdJTg==
        users:
        - name: alice
          user:
            token: "0123"
        contexts:
        - name: prod
          context:
            cluster: prod
            user: alice
        current-context: prod
        """;

    [Fact]
    public void The_labs_context_joins_the_others_and_becomes_current()
    {
        string path = File("config");
        System.IO.File.WriteAllText(path, Existing);

        UserKubeconfig.Merge(path, "edge-lab", "http://127.0.0.1:7443", token: null);

        string merged = System.IO.File.ReadAllText(path);
        Assert.Contains("current-context: edge-lab", merged);
        Assert.Contains("server: https://prod.example:6443", merged);
        Assert.Contains("certificate-authority-data: LS0tLS1CRUdJTg==", merged);
        Assert.Contains("token: \"0123\"", merged); // a string that looks like a number stays a string for kubectl
        Assert.Contains("server: http://127.0.0.1:7443", merged);
        Assert.Contains("preferences: {}", merged);
    }

    [Fact]
    public void A_second_lab_up_replaces_the_labs_entries_instead_of_adding_more()
    {
        string path = File("config");
        UserKubeconfig.Merge(path, "edge-lab", "http://127.0.0.1:7443", token: null);
        UserKubeconfig.Merge(path, "edge-lab", "http://127.0.0.1:40123", token: "s3cret");

        string merged = System.IO.File.ReadAllText(path);
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Count(merged, "- name: edge-lab\n")); // one cluster, one user, one context
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, System.IO.File.GetUnixFileMode(path)); // made by lab up: a token may be in it
        }
        Assert.DoesNotContain("7443", merged);
        Assert.Contains("server: http://127.0.0.1:40123", merged);
        Assert.Contains("token: s3cret", merged);
    }

    [Fact]
    public void Purging_the_lab_takes_out_only_its_entries()
    {
        string path = File("config");
        System.IO.File.WriteAllText(path, Existing);
        UserKubeconfig.Merge(path, "edge-lab", "http://127.0.0.1:7443", token: null);

        Assert.True(UserKubeconfig.Remove(path, "edge-lab"));

        string left = System.IO.File.ReadAllText(path);
        Assert.DoesNotContain("edge-lab", left);
        Assert.Contains("server: https://prod.example:6443", left);
        Assert.Matches("(?m)^current-context: (''|\"\")?$", left); // it was the lab's: none now, as kind leaves it
        Assert.False(UserKubeconfig.Remove(path, "edge-lab"));
        Assert.False(UserKubeconfig.Remove(File("nothing-here"), "edge-lab"));
    }

    [Fact]
    public void A_file_that_is_not_a_kubeconfig_is_left_as_it_was_with_a_clear_error()
    {
        string path = File("config");
        System.IO.File.WriteAllText(path, "clusters: [unclosed\n");

        var error = Assert.Throws<CliException>(() => UserKubeconfig.Merge(path, "edge-lab", "http://127.0.0.1:7443", token: null));

        Assert.StartsWith($"cannot merge the lab's context into {path}: ", error.Message);
        Assert.Contains("it is left as it was", error.Message);
        Assert.Equal("clusters: [unclosed\n", System.IO.File.ReadAllText(path));
    }

    [Fact]
    public void Kubectl_writes_to_the_first_file_of_KUBECONFIG_else_to_kube_config_at_home()
    {
        Assert.Equal(File("a"), UserKubeconfig.PathOf(File("a") + Path.PathSeparator + File("b")));
        Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config"), UserKubeconfig.PathOf(null));
    }
}
