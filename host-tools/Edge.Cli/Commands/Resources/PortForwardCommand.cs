using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Edge.Cli.Api;
using Edge.Host.Api;
using Edge.Host.Api.Spdy;
using Edge.Host.Objects;

namespace Edge.Cli.Commands.Resources;

/// <summary>
/// <c>edgectl port-forward TYPE/NAME [LOCAL:]REMOTE…</c>: listens on the laptop and carries each
/// connection to the pod's port through its board (the board connects inside the pod, to its
/// 127.0.0.1, as the kubelet does), with kubectl's protocol, output and habits. A board forwards
/// one connection at a time; a connection that cannot be forwarded is said on stderr and the
/// others go on. Ends with Ctrl+C, or when the control plane goes.
/// </summary>
public static class PortForwardCommand
{
    public static Command Create(CliConsole console)
    {
        var target = new Argument<string>("target") { Description = "POD, pod/NAME, svc/NAME or deploy/NAME" };
        ClusterCompletions.Names(target, "Pod");
        var ports = new Argument<string[]>("ports") { Description = "[LOCAL:]REMOTE, e.g. 8080:80; :80 picks a free local port", Arity = ArgumentArity.OneOrMore };
        var address = new Option<string>("--address") { Description = "Addresses to listen on, comma-separated (localhost: 127.0.0.1 and ::1)", DefaultValueFactory = _ => "localhost" };
        var command = new Command("port-forward", "Forward one or more local ports to a pod") { target, ports, address };
        command.SetAction(async (parsed, cancel) =>
        {
            using ApiClient api = ApiClient.For(parsed);
            string ns = ResourceArgs.Namespace(parsed);
            List<PortPair> wanted = parsed.GetValue(ports)!.Select(PortForwardTarget.ParsePorts).ToList();
            List<IPAddress> addresses = Addresses(parsed.GetValue(address)!);
            (string pod, List<PortPair> pairs) = await PortForwardTarget.ResolveAsync(api, ns, parsed.GetValue(target)!, wanted, cancel);

            SpdyConnection spdy = await SpdyDialer.UpgradeAsync(api, ResourcePath.For(KindInfo.ForKind("Pod")!, ns, pod, "portforward"), PortForwardSpdy.Protocol, cancel);
            await using var connection = new PortForwardConnection(spdy);
            var listeners = new List<(Socket Listener, PortPair Pair)>();
            try
            {
                foreach (PortPair pair in pairs)
                {
                    listeners.AddRange(Listen(console, addresses, pair));
                }

                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel, connection.Lost);
                Task[] serving = listeners.Select(l => ServeAsync(console, connection, l.Listener, l.Pair, stop.Token)).ToArray();
                await Task.WhenAll(serving);
                if (!cancel.IsCancellationRequested)
                {
                    throw new CliException("lost connection to the control plane: the forward ended (`edgectl lab status`)");
                }

                return ExitCodes.Ok;
            }
            finally
            {
                foreach ((Socket listener, _) in listeners)
                {
                    listener.Dispose();
                }
            }
        });
        return command;
    }

    private static List<IPAddress> Addresses(string text) =>
        text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .SelectMany<string, IPAddress>(a => a == "localhost" ? [IPAddress.Loopback, IPAddress.IPv6Loopback]
                : IPAddress.TryParse(a, out IPAddress? ip) ? [ip] : throw new CliException($"--address {a}: give IP addresses or localhost"))
            .Distinct()
            .ToList();

    /// <summary>A listener per address (the first picks the port when LOCAL is 0, the others take the same); an address that cannot be used is a warning while another works, as kubectl does.</summary>
    private static List<(Socket, PortPair)> Listen(CliConsole console, List<IPAddress> addresses, PortPair pair)
    {
        var made = new List<(Socket, PortPair)>();
        foreach (IPAddress ip in addresses)
        {
            var listener = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                listener.Bind(new IPEndPoint(ip, pair.Local));
                listener.Listen(16);
                pair = pair with { Local = ((IPEndPoint)listener.LocalEndPoint!).Port };
                string shown = ip.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{ip}]" : ip.ToString();
                console.Out.WriteLine($"Forwarding from {shown}:{pair.Local} -> {pair.Remote}");
                made.Add((listener, pair));
            }
            catch (SocketException e)
            {
                listener.Dispose();
                console.Warning($"unable to listen on {ip} port {pair.Local}: {e.Message}");
            }
        }

        console.Out.Flush();
        return made.Count > 0 ? made : throw new CliException($"unable to listen on any of the requested ports: [{pair.Local}:{pair.Remote}]");
    }

    private static async Task ServeAsync(CliConsole console, PortForwardConnection connection, Socket listener, PortPair pair, CancellationToken stop)
    {
        var forwards = new List<Task>();
        try
        {
            while (true)
            {
                Socket client = await listener.AcceptAsync(stop);
                console.Out.WriteLine($"Handling connection for {pair.Local}");
                console.Out.Flush();
                forwards.Add(ForwardAsync(console, connection, client, pair, stop));
            }
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C, or the control plane went
        }

        await Task.WhenAll(forwards);
    }

    private static async Task ForwardAsync(CliConsole console, PortForwardConnection connection, Socket client, PortPair pair, CancellationToken stop)
    {
        using (client)
        {
            try
            {
                if (await connection.ForwardAsync(client, pair.Remote, stop) is string reason)
                {
                    console.Error($"an error occurred forwarding {pair.Local} -> {pair.Remote}: {reason}");
                    console.Err.Flush();
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                // the control plane went (said once, by the command)
            }
        }
    }
}
