using System.Text.Json.Nodes;

namespace Edge.Cli.Tests.Lab;

/// <summary>
/// The kubernetes Service on a one-board lab, as an attendee finds it: `get svc` lists it in
/// default at 10.96.0.1, its endpoints are where `lab up` serves the API, and a pod resolves
/// kubernetes.default through the search list as on any cluster.
/// </summary>
[Trait("Category", Category.EndToEnd)]
public sealed class KubernetesServiceEndToEndTests() : LabTest("kubesvc")
{
    /// <summary>Where `lab up` serves the lab's API (lab.json's server, http://127.0.0.1:PORT).</summary>
    private Uri Server() => new((string)JsonNode.Parse(File.ReadAllText(Path.Combine(Home, "labs", "kubesvc", "lab.json")))!["server"]!);

    [Fact]
    public void A_pod_resolves_kubernetes_default_and_the_endpoints_name_the_labs_API()
    {
        CliRun up = Edgectl.Run("lab", "up", "--nodes", "1", "--first-address", "127.0.10.11");
        Assert.True(up.ExitCode == 0, up.Out + up.Err);
        Apply("examples/client.yaml");
        WaitFor(() => (string?)Get("pod", "client")["status"]!["phase"] == "Running", "client Running");

        Assert.Matches(@"(?m)^kubernetes\s+ClusterIP\s+10\.96\.0\.1\s+<none>\s+443/TCP\s+", Edgectl.Run("get", "svc").Out);
        JsonNode subset = Get("endpoints", "kubernetes")["subsets"]![0]!;
        Assert.Equal(("127.0.0.1", Server().Port), ((string?)subset["addresses"]![0]!["ip"], (int)subset["ports"]![0]!["port"]!));
        Assert.Equal("https", (string?)subset["ports"]![0]!["name"]);
        Assert.Equal("IPv4", (string?)Get("endpointslice", "kubernetes")["addressType"]);

        CliRun nslookup = new(1, "", "");
        WaitFor(() => (nslookup = Edgectl.Run("exec", "client", "--", "nslookup", "kubernetes.default")).ExitCode == 0, "kubernetes.default resolving", 30);
        Assert.Contains("** server can't find kubernetes.default.default.svc.cluster.local: NXDOMAIN\n", nslookup.Out);
        Assert.Contains("Name:\tkubernetes.default.svc.cluster.local\nAddress: 10.96.0.1\n", nslookup.Out);

        // Deleted, it comes back, as kube-apiserver makes it again.
        Assert.Equal(0, Edgectl.Run("delete", "service", "kubernetes").ExitCode);
        WaitFor(() => Edgectl.Run("get", "service", "kubernetes", "-o", "jsonpath={.spec.clusterIP}").Out == "10.96.0.1", "the kubernetes service back", 10);
    }
}
