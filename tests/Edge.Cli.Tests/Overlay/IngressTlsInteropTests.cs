using System.Diagnostics;
using System.Text.Json.Nodes;
using Edge.Cli.Tests.Lab;

namespace Edge.Cli.Tests.Overlay;

/// <summary>
/// The boards' TLS against Linux's own clients: `lab up` as root puts the boards on a bridge, a
/// fresh network namespace joins it (`overlay join --netns`), and from there the real curl
/// fetches through a board's ingress over HTTPS (checking the chain against the test's root),
/// and `openssl s_client -servername` shows the certificate chain the Secret holds — the one
/// for the name asked, leaf then intermediate — verified to the root.
/// </summary>
[Trait("Category", Category.Interop)]
public sealed class IngressTlsInteropTests : IDisposable
{
    private readonly string _lab = $"t{Environment.ProcessId % 100000}";
    private readonly string _ns = $"edge-tls-{Environment.ProcessId}";
    private readonly string _home = Directory.CreateTempSubdirectory("edge-labtls-").FullName;
    private readonly EdgectlProcess _edgectl;

    public IngressTlsInteropTests()
    {
        _edgectl = new EdgectlProcess(_home, _lab);
    }

    public void Dispose()
    {
        _edgectl.Run("overlay", "leave", "--netns", _ns);
        _edgectl.Run("lab", "down", "--purge");
        if (Tools.Find("ip") != null)
        {
            Tools.Run("ip", ["netns", "del", _ns]);
        }

        Directory.Delete(_home, recursive: true);
    }

    private (int ExitCode, string StdOut, string StdErr) InNamespace(params string[] args) => Tools.Run("ip", ["netns", "exec", _ns, .. args], TimeSpan.FromSeconds(30));

    /// <summary>Runs the probe until its result is right, for up to 60 s; fails with what it last said.</summary>
    private static (int ExitCode, string StdOut, string StdErr) Eventually(Func<(int ExitCode, string StdOut, string StdErr)> probe, Func<(int ExitCode, string StdOut, string StdErr), bool> right, string what)
    {
        var clock = Stopwatch.StartNew();
        var last = probe();
        while (!right(last))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"{what}: exit {last.ExitCode}, said: {last.StdOut}{last.StdErr}");
            Thread.Sleep(250);
            last = probe();
        }

        return last;
    }

    [RequiresToolFact("root", "ip", "bridge", "ethtool", "curl", "openssl")]
    public void Linux_curl_and_openssl_s_client_get_the_Secrets_chain_by_SNI_from_a_board_on_the_lab_bridge()
    {
        CliRun up = _edgectl.Run("lab", "up", "--nodes", "2");
        Assert.True(up.ExitCode == 0, up.Out + up.Err);
        string board = (string)JsonNode.Parse(_edgectl.Run("get", "node", "node-2", "-o", "json").Out)!["status"]!["addresses"]!.AsArray()
            .First(a => (string?)a!["type"] == "InternalIP")!["address"]!;
        Assert.StartsWith("198.19.", board);

        using var pki = new TestPki();
        string root = Path.Combine(_home, "root.pem");
        File.WriteAllText(root, pki.RootPem);
        string manifest = Path.Combine(_home, "tls.yaml");
        File.WriteAllText(manifest, TestPki.SecretYaml("web-tls", pki.Leaf("web.lab.example", "web.lab.example")) + TestPki.SecretYaml("shop-tls", pki.Leaf("shop", "*.shop.example")) + """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: secure
            spec:
              tls:
                - {hosts: [web.lab.example], secretName: web-tls}
                - {hosts: ["*.shop.example"], secretName: shop-tls}
              rules:
                - host: web.lab.example
                  http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
                - host: "*.shop.example"
                  http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
            """);
        CliRun apply = _edgectl.Run("apply", "-f", "examples/web.yaml", "-f", manifest);
        Assert.True(apply.ExitCode == 0, apply.Out + apply.Err);

        Assert.Equal(0, Tools.Run("ip", ["netns", "add", _ns]).ExitCode);
        CliRun join = _edgectl.Run("overlay", "join", "--netns", _ns);
        Assert.True(join.ExitCode == 0, join.Out + join.Err);

        // curl in the namespace, over the bridge to the board's own address: the chain checks out against the root.
        var fetched = Eventually(() => InNamespace("curl", "-sS", "--max-time", "5", "--cacert", root, "--resolve", $"web.lab.example:443:{board}", "https://web.lab.example/from-linux"),
            r => r.ExitCode == 0 && r.StdOut.Contains("Hostname: web-"), $"curl https://web.lab.example/ at {board} from the namespace");
        Assert.Contains("GET /from-linux HTTP/1.1\n", fetched.StdOut);
        Assert.Contains("X-Forwarded-Proto: https\n", fetched.StdOut);
        Assert.Matches(@"X-Forwarded-For: 198\.19\.\d+\.101\n", fetched.StdOut); // the namespace's bridge address, as the board saw it

        // openssl s_client names each host in turn and gets that Secret's chain: leaf, then the intermediate, verified to the root.
        foreach ((string name, string leaf) in new[] { ("web.lab.example", "web.lab.example"), ("a.shop.example", "shop") })
        {
            var shown = InNamespace("sh", "-c", $"openssl s_client -connect {board}:443 -servername {name} -showcerts -CAfile {root} -verify_return_error < /dev/null");
            Assert.True(shown.ExitCode == 0, shown.StdOut + shown.StdErr);
            Assert.Matches($@"(?m)^ 0 s:CN ?= ?{System.Text.RegularExpressions.Regex.Escape(leaf)}$", shown.StdOut);
            Assert.Matches(@"(?m)^\s+i:CN ?= ?Edge Test Intermediate$", shown.StdOut);
            Assert.Matches(@"(?m)^ 1 s:CN ?= ?Edge Test Intermediate$", shown.StdOut);
            Assert.Contains("Verify return code: 0 (ok)", shown.StdOut);
        }
    }
}
