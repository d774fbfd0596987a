using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Edge.Cli.Tests.Lab;

/// <summary>
/// <c>edgectl port-forward</c> on a two-board lab, as kubectl's: a service's port becomes its
/// pod's (targetPort by name), every local connection is carried through the pod's board
/// (which connects inside the pod to its own 127.0.0.1), bytes come back whole beyond the
/// board's input ring, and a port nobody listens on is said per connection while the forward
/// goes on. (The real kubectl's port-forward, SPDY and WebSocket, is in KubectlEndToEndTests.)
/// </summary>
[Trait("Category", Category.EndToEnd)]
public sealed class PortForwardEndToEndTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("edge-forward-").FullName;
    private readonly EdgectlProcess _edgectl;

    public PortForwardEndToEndTests()
    {
        _edgectl = new EdgectlProcess(_home, "forward");
    }

    public void Dispose()
    {
        _edgectl.Run("lab", "down", "--purge");
        Directory.Delete(_home, recursive: true);
    }

    [RequiresToolFact("curl")]
    public void Port_forward_reaches_a_services_pod_and_an_echo_pod_through_their_boards()
    {
        CliRun up = _edgectl.Run("lab", "up", "--nodes", "2", "--first-address", "127.0.10.31");
        Assert.True(up.ExitCode == 0, up.Out + up.Err);
        const string echo = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: echo\nspec:\n  containers:\n  - name: echo\n    image: echo\n";
        Assert.Equal(0, _edgectl.Run("apply", "-f", "examples/web.yaml", "-f", "examples/client.yaml").ExitCode);
        Assert.Equal(0, _edgectl.RunWithInput(echo, "apply", "-f", "-").ExitCode);
        WaitFor(() => _edgectl.Run("get", "pods", "--no-headers").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries) is { Length: 5 } rows
            && rows.All(r => r.Contains(" Running ", StringComparison.Ordinal)), "five pods Running");

        // svc/web :80 — the service's port 80 is targetPort "http", the pod's container port 80; any free local port.
        using (RunningTool forward = _edgectl.Start("port-forward", "svc/web", ":80"))
        {
            int port = LocalPort(forward);
            Assert.Matches($@"^Forwarding from 127\.0\.0\.1:{port} -> 80\n", forward.StdOutSoFar);
            for (int i = 0; i < 2; i++)
            {
                (int code, string answer, string error) = Tools.Run("curl", ["-s", "-m", "10", $"http://127.0.0.1:{port}/forwarded"], TimeSpan.FromSeconds(20));
                Assert.True(code == 0, error);
                Assert.Contains("Hostname: web-", answer);
                Assert.Contains("GET /forwarded HTTP/1.1", answer);
                Assert.Contains("RemoteAddr: 127.0.0.1:", answer); // from inside the pod, as the kubelet forwards
            }

            WaitFor(() => Regex.Matches(forward.StdOutSoFar, $"Handling connection for {port}\n").Count == 2, "a line per connection");
        }

        // The echo image (RFC 862) sends back every byte: 20 KiB, twenty times the board's input ring, in order.
        using (RunningTool forward = _edgectl.Start("port-forward", "pod/echo", "0:7"))
        {
            int port = LocalPort(forward);
            byte[] sent = new byte[20 * 1024];
            new Random(5).NextBytes(sent);
            using var client = new TcpClient("127.0.0.1", port);
            NetworkStream stream = client.GetStream();
            stream.ReadTimeout = 20_000;
            Task writing = Task.Run(() =>
            {
                stream.Write(sent);
                client.Client.Shutdown(SocketShutdown.Send);
            });
            var received = new MemoryStream();
            stream.CopyTo(received); // until the pod closes, after the last byte
            writing.Wait(TimeSpan.FromSeconds(20));
            Assert.Equal(sent, received.ToArray());
        }

        // Nobody listens on the client pod's port 81: that connection is closed and said why; the forward goes on.
        using (RunningTool forward = _edgectl.Start("port-forward", "client", ":81"))
        {
            int port = LocalPort(forward);
            (int code, _, _) = Tools.Run("curl", ["-s", "-m", "10", $"http://127.0.0.1:{port}/"], TimeSpan.FromSeconds(20));
            Assert.Equal(52, code); // curl: empty reply from server
            Assert.False(forward.HasExited, "the forward ended after one refused connection");
            forward.Process.Kill(entireProcessTree: true);
            forward.Process.WaitForExit();
            Assert.Contains($"error: an error occurred forwarding {port} -> 81: error forwarding port 81 to pod default/client: failed to connect to localhost:81 inside the pod: connection refused\n", forward.StdErr);
        }

        CliRun wrongPort = _edgectl.Run("port-forward", "svc/web", "81");
        Assert.Equal((1, "error: Service web does not have a service port 81\n"), (wrongPort.ExitCode, wrongPort.Err));
        CliRun noPod = _edgectl.Run("port-forward", "nope", "80");
        Assert.Equal((1, "error: pods \"nope\" not found in namespace default\n"), (noPod.ExitCode, noPod.Err));
    }

    private static int LocalPort(RunningTool forward)
    {
        int port = 0;
        WaitFor(() => int.TryParse(Regex.Match(forward.StdOutSoFar, @"^Forwarding from 127\.0\.0\.1:(\d+) ->").Groups[1].Value, out port) || forward.HasExited,
            "port-forward listening");
        Assert.False(forward.HasExited, forward.HasExited ? "port-forward ended: " + forward.StdErr : "");
        return port;
    }

    private static void WaitFor(Func<bool> condition, string what, int seconds = 60)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(seconds), "timed out waiting for " + what);
            Thread.Sleep(100);
        }
    }
}
