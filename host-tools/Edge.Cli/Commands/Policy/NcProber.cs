using System.Diagnostics;
using System.Globalization;
using System.Text;
using Edge.Cli.Api;
using Edge.Dataplane.Wire;

namespace Edge.Cli.Commands.Policy;

/// <summary>
/// A probe as `edgectl exec` runs a tool: `nc` in the source pod's sandbox, on its board,
/// against the destination pod's address and port (the pod's own port: policy applies after
/// kube-proxy's DNAT, so a Service's port would not be what the boards check).
/// <code>
/// TCP  nc -z -w T IP PORT          exit 0 connected; 1 with "connection refused": refused;
///                                  1 with "connection timed out" or "no route to host": blocked
/// UDP  nc -u -w T IP PORT < line   one exchange, always exit 0: connected when an answer came back,
///                                  else blocked as far as it can tell (silent: nothing may answer there)
/// </code>
/// Anything else (a tool that could not start, no socket left in the pod, an API error) is a
/// failed probe, with nc's or the API's words. A board busy with someone else's exec ("already
/// running a command", exit 126) is asked again until <see cref="BusyPatience"/> runs out.
/// </summary>
public sealed class NcProber(ApiClient api, PortArgument port, int timeoutSeconds) : IReachabilityProber
{
    /// <summary>What a UDP probe sends: a line an echo server sends back.</summary>
    public const string UdpPayload = "edgectl policy matrix\n";

    /// <summary>How long a probe waits for a board another exec keeps busy.</summary>
    public static readonly TimeSpan BusyPatience = TimeSpan.FromSeconds(30);

    private const int BoardBusy = 126;

    public async Task<ProbeResult> ProbeAsync(MatrixPod from, MatrixPod to, CancellationToken cancel)
    {
        string[] command = Command(to, port, timeoutSeconds);
        string? stdin = port.Protocol == IpProtocol.Udp ? UdpPayload : null;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var output = new StringBuilder();
            var error = new StringBuilder();
            int exit = await api.ExecAsync(from.Namespace, from.Name, null, command, stdin, (stream, data) => (stream == 2 ? error : output).Append(data), cancel);
            string err = error.ToString();
            if (exit == BoardBusy && err.Contains("already running a command", StringComparison.Ordinal) && clock.Elapsed < BusyPatience)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancel);
                continue;
            }

            return Classify(port, exit, output.ToString(), err);
        }
    }

    /// <summary>The tool and its arguments, as `edgectl exec POD -- ...` would take them.</summary>
    public static string[] Command(MatrixPod to, PortArgument port, int timeoutSeconds)
    {
        string seconds = timeoutSeconds.ToString(CultureInfo.InvariantCulture);
        string portText = port.Port.ToString(CultureInfo.InvariantCulture);
        return port.Protocol == IpProtocol.Udp
            ? ["nc", "-u", "-w", seconds, Ipv4Address.Format(to.Address), portText]
            : ["nc", "-z", "-w", seconds, Ipv4Address.Format(to.Address), portText];
    }

    /// <summary>What nc's exit code and output say about the connection.</summary>
    public static ProbeResult Classify(PortArgument port, int exitCode, string stdout, string stderr)
    {
        string said = stderr.Trim().Split('\n')[0].Trim();
        if (port.Protocol == IpProtocol.Udp)
        {
            return exitCode != 0 ? Failed(exitCode, said)
                : stdout.Length > 0 ? new ProbeResult(ProbeOutcome.Connected)
                : new ProbeResult(ProbeOutcome.Blocked, "no answer", Silent: true);
        }

        if (exitCode == 0)
        {
            return new ProbeResult(ProbeOutcome.Connected);
        }

        if (exitCode == 1 && said.EndsWith(": connection refused", StringComparison.Ordinal))
        {
            return new ProbeResult(ProbeOutcome.Refused, said);
        }

        if (exitCode == 1 && (said.EndsWith(": connection timed out", StringComparison.Ordinal) || said.EndsWith(": no route to host", StringComparison.Ordinal)))
        {
            return new ProbeResult(ProbeOutcome.Blocked, said);
        }

        return Failed(exitCode, said);
    }

    private static ProbeResult Failed(int exitCode, string said) =>
        new(ProbeOutcome.Failed, said.Length > 0 ? $"{said} (exit {exitCode})" : $"nc exited {exitCode}");
}
