using System.CommandLine;
using System.Net;
using Edge.Host.Api;
using Edge.Host.Cluster;
using Edge.Host.Controllers;
using Edge.Host.Store;
using Edge.Host.Trust;

namespace Edge.Cli.Commands.Daemons;

/// <summary>
/// <c>edgectl controlplane --board LINK...</c>: the control plane in the foreground (what
/// `lab up` and `up` start in the background): the cluster's store, the controllers, a session
/// per board, and the API on loopback.
/// </summary>
public static class ControlPlaneCommand
{
    public static Command Create(CliConsole console)
    {
        var boards = new Option<string[]>("--board")
        {
            Description = "A board to dial: tcp://HOST:PORT (virtual board) or serial:///dev/ttyUSB0 (repeatable; boards already in the cluster are dialled anyway)",
            AllowMultipleArgumentsPerToken = false,
        };
        var listen = new Option<string>("--listen")
        {
            Description = "Address and port for the API (anything but loopback needs --token)",
            DefaultValueFactory = _ => "127.0.0.1:7443",
        };
        var token = new Option<string?>("--token") { Description = "Bearer token the API requires" };
        var log = new Option<string?>("--log") { Description = "Write the log to this file and detach from the terminal" };
        var notReadyAfter = new Option<double>("--not-ready-after")
        {
            Description = "Seconds without a heartbeat before a node is NotReady (and its pods leave every endpoint)",
            DefaultValueFactory = _ => NodeLifecycleSettings.Workshop.NotReadyAfter.TotalSeconds,
        };
        var evictAfter = new Option<double>("--evict-after")
        {
            Description = "Seconds a node stays NotReady before its pods are replaced elsewhere",
            DefaultValueFactory = _ => NodeLifecycleSettings.Workshop.EvictAfter.TotalSeconds,
        };
        var command = new Command("controlplane", "Run the control plane in the foreground (lab up runs it in the background)")
        {
            boards, listen, token, log, notReadyAfter, evictAfter,
        };
        command.SetAction((parsed, _) => Run(console, parsed.GetValue(GlobalOptions.Lab) ?? "lab", parsed.GetValue(boards) ?? [],
            parsed.GetValue(listen)!, parsed.GetValue(token), parsed.GetValue(log),
            new NodeLifecycleSettings(TimeSpan.FromSeconds(parsed.GetValue(notReadyAfter)), TimeSpan.FromSeconds(parsed.GetValue(evictAfter)))));
        return command;
    }

    private static async Task<int> Run(CliConsole console, string cluster, string[] boardLinks, string listen, string? token, string? logPath,
        NodeLifecycleSettings lifecycle)
    {
        if (lifecycle.NotReadyAfter <= TimeSpan.FromSeconds(1.5) || lifecycle.EvictAfter < TimeSpan.Zero)
        {
            throw new CliException("--not-ready-after must be more than 1.5 s (boards report every second) and --evict-after 0 or more");
        }

        List<BoardLink> links;
        IPEndPoint endpoint;
        try
        {
            links = boardLinks.Select(BoardLink.Parse).ToList();
            endpoint = IPEndPoint.Parse(listen);
        }
        catch (FormatException e)
        {
            throw new CliException(e.Message);
        }

        using var log = new ProcessLog(console, logPath);
        string storePath = StorePaths.ForCluster(cluster);
        using ObjectStore store = ObjectStore.Open(storePath);
        ClusterKey key;
        try
        {
            key = ClusterKeyFile.LoadOrCreate(cluster);
        }
        catch (InvalidDataException e)
        {
            throw new CliException(e.Message);
        }

        if (endpoint.Port == 0)
        {
            endpoint = new IPEndPoint(endpoint.Address, Lab.LabProcesses.FreePort()); // the kubernetes Service names the port before the API listens
        }

        IPEndPoint advertised = KubernetesService.Advertised(endpoint, GatewayInterfaceAddresses());
        await using var controlPlane = new ControlPlane(store, new ControlPlaneOptions
        {
            Lifecycle = lifecycle, ClusterKey = key, SaveKey = k => ClusterKeyFile.Save(k), ApiEndpoint = advertised,
        }, log.Writer);
        ApiServer api;
        try
        {
            api = await ApiServer.StartAsync(controlPlane, endpoint.Address, endpoint.Port, token);
        }
        catch (Exception e) when (e is IOException or ArgumentException)
        {
            throw new CliException(e.Message);
        }

        await using (api)
        {
            controlPlane.Start(links);
            log.Line($"control plane for cluster {cluster}: store {storePath}, API {api.Address}, {controlPlane.Boards.Count} board(s), {key.Describe()}");
            log.Line($"service default/kubernetes: {Edge.Dataplane.Wire.Ipv4Address.Format(controlPlane.Network.ApiServiceIp)}:{KubernetesService.Port} -> {advertised} (this API, plain HTTP)");
            try
            {
                await Task.Delay(Timeout.Infinite, log.Stop.Token);
            }
            catch (OperationCanceledException)
            {
                log.Line("stopping");
            }
        }

        return ExitCodes.Ok;
    }

    /// <summary>This host's IPv4 addresses on interfaces that are up and have a default gateway (kube-apiserver's choice when it listens on every address).</summary>
    private static IEnumerable<IPAddress> GatewayInterfaceAddresses() =>
        System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .Where(i => i.OperationalStatus == System.Net.NetworkInformation.OperationalStatus.Up)
            .Select(i => i.GetIPProperties())
            .Where(p => p.GatewayAddresses.Any(g => g.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork))
            .SelectMany(p => p.UnicastAddresses.Select(u => u.Address));
}
