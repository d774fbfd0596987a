using Edge.Host.Printing;
using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Edge.Cli.Api;
using Edge.Cli.Commands.Lab;
using Edge.Host.Objects;

namespace Edge.Cli.Commands.Overlay;

/// <summary>
/// <c>edgectl overlay join|leave [--netns NAME] [--dry-run]</c>: this Linux host (or a network
/// namespace) on the pod network through a kernel vxlan device, registered with the control
/// plane as an OverlayPeer so every board takes it as a VXLAN peer. --dry-run prints the `ip`
/// commands for attendees to read or run themselves. Against a lab on its bridge layout (`lab up`
/// as root) nothing else is needed: the host is on the bridge already, and a namespace is linked
/// into it (a veth and an address of the lab's /24), which `leave` and `lab down` take back.
/// </summary>
public static class OverlayCommand
{
    private static readonly KindInfo PeerKind = KindInfo.ForKind("OverlayPeer")!;

    public static Command Create(CliConsole console)
    {
        var netns = new Option<string?>("--netns") { Description = "Join this network namespace instead of the host" };
        var address = new Option<string?>("--address")
        {
            Description = "This side's address the boards can reach (default: the source address of the route to the first node; "
                + "a namespace joining a bridged lab gets one on the lab's bridge)",
        };
        var name = new Option<string?>("--name") { Description = "The peer's name in the cluster (default: the namespace's, else the host's)" };
        var device = new Option<string>("--device") { Description = "The vxlan device to create", DefaultValueFactory = _ => "edge0" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the commands; change nothing, register nothing" };
        var vxlanPort = new Option<int?>("--vxlan-port")
        {
            Description = "UDP port of this side's vxlan device (default 4789)",
        };
        var join = new Command("join", "Attach this host (or a namespace) to the pod network with a kernel vxlan device") { netns, address, name, device, dryRun, vxlanPort };
        join.SetAction((parsed, cancel) => JoinAsync(console, parsed, parsed.GetValue(netns), parsed.GetValue(address), parsed.GetValue(name), parsed.GetValue(device)!,
            parsed.GetValue(dryRun), parsed.GetValue(vxlanPort), cancel));

        var leaveNetns = new Option<string?>("--netns") { Description = "The namespace that joined" };
        var leaveName = new Option<string?>("--name") { Description = "The peer's name (default as for join)" };
        var leaveDevice = new Option<string>("--device") { DefaultValueFactory = _ => "edge0" };
        var leave = new Command("leave", "Remove the vxlan device and the host's place on the overlay") { leaveNetns, leaveName, leaveDevice };
        leave.SetAction(async (parsed, cancel) =>
        {
            string? ns = parsed.GetValue(leaveNetns);
            string peer = parsed.GetValue(leaveName) ?? ns ?? Environment.MachineName;
            HostCommands.Run(OverlayPlan.Leave(parsed.GetValue(leaveDevice)!, ns), tolerateFailure: true);
            if (LabBridge.Forget(parsed.GetValue(GlobalOptions.Lab)!, ns, parsed.GetValue(leaveDevice)!) is { } link)
            {
                console.Out.WriteLine($"removed {link}, namespace {ns}'s link into the lab's bridge");
            }

            using ApiClient api = ApiClient.For(parsed);
            try
            {
                await api.DeleteAsync(PeerKind, "", peer, cancel);
            }
            catch (ApiException e) when (e.Code == 404)
            {
                // never registered, or already gone
            }

            console.Out.WriteLine($"overlaypeer.edge.dev/{peer} left");
            return ExitCodes.Ok;
        });

        return new Command("overlay", "Join this Linux host to the pod network (or leave it)") { join, leave };
    }

    private static async Task<int> JoinAsync(CliConsole console, ParseResult parsed, string? netns, string? address, string? name, string device, bool dryRun, int? vxlanPort,
        CancellationToken cancel)
    {
        using ApiClient api = ApiClient.For(parsed);
        List<KubeObject> nodes = await api.ListAsync(KindInfo.ForKind("Node")!, null, null, cancel);
        string peerName = name ?? netns ?? Environment.MachineName;
        int port = vxlanPort ?? 4789;
        if (nodes.Any(n => ResourceColumns.Address(n, "InternalIP").StartsWith("127.", StringComparison.Ordinal)))
        {
            throw new CliException("the boards are on this host's loopback (127.x, a `lab up` lab on loopback): Linux hands vxlan packets for a local "
                + "address to its own vxlan sockets, never to a board's, so a kernel vxlan device cannot reach them. Run the lab on its bridge "
                + "layout (as root on Linux: `sudo edgectl lab down --purge`, then `sudo edgectl lab up` without --first-address), or join boards on a LAN");
        }

        // The lab this control plane runs, when it is a bridged one on this host: its nodes have addresses in the lab's /24.
        string lab = parsed.GetValue(GlobalOptions.Lab)!;
        LabNetwork? bridged = LabNetwork.Load(lab) is { } network && nodes.Any(n => network.Contains(ResourceColumns.Address(n, "InternalIP"))) ? network : null;
        List<string> wiring = [];
        string hostAddress;
        if (address != null)
        {
            hostAddress = address;
        }
        else if (netns != null && bridged != null)
        {
            (_, hostAddress, wiring) = LabBridge.LinkNamespace(bridged, netns, dryRun);
        }
        else
        {
            hostAddress = SourceAddressTowards(nodes, netns);
        }

        KubeObject? registered = await api.TryGetAsync(PeerKind, "", peerName, cancel);
        string overlayCidr;
        if (dryRun)
        {
            overlayCidr = (string?)registered?.Spec?["podCIDR"] ?? await NextFreeOverlayAsync(api, cancel);
            console.Out.WriteLine($"# register overlaypeer {peerName} ({hostAddress}) with the control plane: `edgectl overlay join` does it; its overlay range would be {overlayCidr}");
        }
        else
        {
            var peer = new KubeObject(new JsonObject
            {
                ["apiVersion"] = PeerKind.ApiVersion,
                ["kind"] = PeerKind.Kind,
                ["metadata"] = new JsonObject { ["name"] = peerName },
                ["spec"] = new JsonObject { ["address"] = hostAddress, ["vxlanPort"] = port },
            });
            await api.ApplyAsync(peer, cancel);
            overlayCidr = await WaitForOverlayRangeAsync(api, peerName, cancel);
        }

        string serviceCidr = "10.96.0.0/16";
        List<string> commands = OverlayPlan.Join(device, netns, hostAddress, overlayCidr, port, nodes, serviceCidr);
        if (dryRun)
        {
            wiring.ForEach(console.Out.WriteLine);
            commands.ForEach(console.Out.WriteLine);
            return ExitCodes.Ok;
        }

        HostCommands.Run(OverlayPlan.Leave(device, netns), tolerateFailure: true); // a device left from an earlier join
        try
        {
            HostCommands.Run(commands, tolerateFailure: false);
            if (bridged != null)
            {
                LabBridge.Record(lab, netns, device, peerName); // `lab down` takes it back too
            }
        }
        catch (CliException e)
        {
            // Half a join is worse than none: take the device, the link into the lab and the registration back.
            HostCommands.Run(OverlayPlan.Leave(device, netns), tolerateFailure: true);
            if (bridged != null)
            {
                LabBridge.Forget(lab, netns);
            }

            await api.DeleteAsync(PeerKind, "", peerName, cancel);
            string hint = e.Message.Contains("Address already in use", StringComparison.Ordinal)
                ? $"; UDP port {port} is taken here (by a virtual board, or another vxlan device): try --vxlan-port {(port == 4789 ? 8472 : 4790)}"
                : "";
            throw new CliException(e.Message + hint);
        }

        string overlayAddress = overlayCidr[..overlayCidr.IndexOf('/')];
        console.Out.WriteLine($"overlaypeer.edge.dev/{peerName} joined: {(netns != null ? $"namespace {netns}" : "this host")} is {overlayAddress} on the pod network ({device}); services {serviceCidr} through the first Ready node");
        console.Out.WriteLine($"try: {(netns != null ? $"ip netns exec {netns} " : "")}curl http://POD-IP/   (pod IPs: edgectl get pods -o wide)");
        return ExitCodes.Ok;
    }

    private static async Task<string> WaitForOverlayRangeAsync(ApiClient api, string peerName, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            if ((string?)(await api.TryGetAsync(PeerKind, "", peerName, cancel))?.Spec?["podCIDR"] is string cidr)
            {
                return cidr;
            }

            await Task.Delay(100, cancel);
        }

        throw new CliException("the control plane did not give this host an overlay range in 10 s (is it running? `edgectl lab status`)");
    }

    private static async Task<string> NextFreeOverlayAsync(ApiClient api, CancellationToken cancel)
    {
        var taken = (await api.ListAsync(PeerKind, null, null, cancel)).Select(p => (string?)p.Spec?["podCIDR"]).ToHashSet();
        return Enumerable.Range(0, 256).Select(k => $"10.250.{k}.0/24").First(c => !taken.Contains(c));
    }

    /// <summary>The address this host (or the namespace) would send from towards the first node's board (`ip route get`).</summary>
    private static string SourceAddressTowards(List<KubeObject> nodes, string? netns)
    {
        string? board = nodes.Select(n => ResourceColumns.Address(n, "InternalIP")).FirstOrDefault(a => a is { Length: > 0 } && a != "<none>");
        if (board == null)
        {
            throw new CliException("no node has an address yet: `edgectl get nodes -o wide`");
        }

        string ip = netns == null ? "ip" : $"ip -n {netns}";
        (int code, string output) = HostCommands.Exec($"{ip} route get {board}");
        string[] words = output.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int src = Array.IndexOf(words, "src");
        if (code != 0 || src < 0 || src + 1 >= words.Length)
        {
            string who = netns == null ? "this host's" : $"namespace {netns}'s";
            throw new CliException($"cannot tell {who} address towards {board} (`{ip} route get {board}`: {output.Trim()}); "
                + $"give --address, {(netns == null ? "this host's" : "the namespace's own")} address the boards reach");
        }

        return words[src + 1];
    }
}
