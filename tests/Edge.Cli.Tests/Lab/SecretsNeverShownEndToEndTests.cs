using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Edge.Cli.Tests.Lab;

/// <summary>
/// The cluster key and the API's token are never shown (issue 19): after a lab's life (boards
/// joining, a Secret, a rekey) no file edgectl writes but the key file holds the key, old or
/// new, in base64 or hex, and neither do `get -o yaml`, `describe` or `lab status`; a control
/// plane started with a token on the network asks for it and never prints it.
/// </summary>
[Trait("Category", Category.EndToEnd)]
public sealed class SecretsNeverShownEndToEndTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("edge-secrets-").FullName;
    private readonly EdgectlProcess _edgectl;

    public SecretsNeverShownEndToEndTests()
    {
        _edgectl = new EdgectlProcess(_home, "secrets");
    }

    public void Dispose()
    {
        _edgectl.Run("lab", "down", "--purge");
        Directory.Delete(_home, recursive: true);
    }

    private string KeyFile => Path.Combine(_home, "clusters", "secrets.key");

    private byte[] Key() => Convert.FromBase64String((string)JsonNode.Parse(File.ReadAllText(KeyFile))!["Key"]!);

    private static IEnumerable<string> Forms(byte[] key) => [Convert.ToBase64String(key), Convert.ToHexString(key), Convert.ToHexStringLower(key)];

    [Fact]
    public void Neither_the_cluster_key_nor_the_token_appears_in_any_output_or_file_but_the_key_file()
    {
        CliRun up = _edgectl.Run("lab", "up", "--nodes", "1", "--first-address", "127.0.10.175");
        Assert.True(up.ExitCode == 0, up.Out + up.Err);
        byte[] first = Key();
        Assert.Equal(0, _edgectl.RunWithInput("apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: aHVudGVyMg==\n", "apply", "-f", "-").ExitCode);
        CliRun rekey = _edgectl.Run("board", "rekey");
        Assert.True(rekey.ExitCode == 0, rekey.Out + rekey.Err);
        byte[] second = Key();
        Assert.NotEqual(first, second);

        var shown = new List<string> { up.Out, up.Err, rekey.Out, rekey.Err };
        foreach (string[] args in new[] { new[] { "get", "nodes", "-o", "yaml" }, ["describe", "node", "node-1"], ["lab", "status"], ["board", "provision", "--link", "tcp://127.0.10.175:7900"] })
        {
            CliRun run = _edgectl.Run(args);
            shown.Add(run.Out + run.Err);
        }

        // A Secret's data shows as Kubernetes shows it: base64 in -o yaml, never in describe.
        Assert.Contains("password: aHVudGVyMg==", _edgectl.Run("get", "secret", "db", "-o", "yaml").Out);

        string[] files = Directory.GetFiles(_home, "*", SearchOption.AllDirectories).Where(f => f != KeyFile).ToArray();
        Assert.Contains(files, f => f.EndsWith("node-1.log", StringComparison.Ordinal)); // the logs are there to be read
        foreach (string form in Forms(first).Concat(Forms(second)))
        {
            Assert.DoesNotContain(shown, s => s.Contains(form, StringComparison.Ordinal));
            Assert.DoesNotContain(files, f => File.ReadAllText(f).Contains(form, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_control_plane_on_the_network_asks_for_its_token_and_never_prints_it()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        const string token = "workshop-token-7f3a9c";
        string api = $"http://127.0.0.1:{port}/";
        using var http = new HttpClient { BaseAddress = new Uri(api) };
        using (RunningTool controlPlane = _edgectl.Start("controlplane", "--listen", $"127.0.0.1:{port}", "--token", token))
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            HttpStatusCode? refused = null;
            while (refused == null)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60) && !controlPlane.HasExited, "the control plane's API did not come up: " + controlPlane.StdOutSoFar);
                try
                {
                    refused = (await http.GetAsync("api/v1/pods")).StatusCode;
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(100); // not listening yet
                }
            }

            Assert.Equal(HttpStatusCode.Unauthorized, refused);
            using var asked = new HttpRequestMessage(HttpMethod.Get, "api/v1/pods");
            asked.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(asked)).StatusCode);
            Assert.Contains("control plane for cluster secrets", controlPlane.StdOutSoFar);
            Assert.DoesNotContain(token, controlPlane.StdOutSoFar);
        }
    }
}
