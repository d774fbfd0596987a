using System.CommandLine;
using Edge.Cli.Output;
using Edge.Dataplane.Agent;
using Edge.Dataplane.Boards;
using Edge.Dataplane.Wire;
using Edge.Host.Cluster;
using Edge.Host.Sessions;
using Edge.Host.Trust;

namespace Edge.Cli.Commands.Board;

/// <summary>
/// <c>edgectl board provision --port PORT [--board ID] [--name NAME] [--dhcp | --address A/P
/// [--gateway G] [--dns D]]</c>: what a board keeps in flash, read first and changed only where
/// an option says so (as `kubectl patch` would), checked here and again on the board, then the
/// board restarts into it. With no change it shows what the board keeps. Over the board's USB
/// console it also gives the board this cluster's key (--lab; made on first use), so the
/// cluster's control plane, and only it, can run the board on the network.
/// </summary>
public static class ProvisionCommand
{
    public static Command Create(CliConsole console)
    {
        var port = new Option<string?>("--port", "-p") { Description = "The board's serial port (its console UART, see hardware-docs)" };
        var link = new Option<string?>("--link") { Description = "Or a link: tcp://ADDRESS:7900 (a board on the network), serial:///dev/ttyUSB0?baud=N" };
        var board = new Option<string?>("--board", "-b") { Description = "Its board profile (edgectl board list): sets its pins and memory class" };
        var name = new Option<string?>("--name") { Description = "Its node name (default: node- and the last 4 hex digits of its MAC)" };
        var dhcp = new Option<bool>("--dhcp") { Description = "Get the address from the lab switch's DHCP (the default)" };
        var address = new Option<string?>("--address") { Description = "A static address with its prefix: 192.168.50.11/24" };
        var gateway = new Option<string?>("--gateway") { Description = "The static address's gateway" };
        var dns = new Option<string?>("--dns") { Description = "The DNS server the board forwards to (default: the gateway)" };
        var noRestart = new Option<bool>("--no-restart") { Description = "Keep the settings; they take effect at the board's next restart" };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the board (opening a port may reset it)", DefaultValueFactory = _ => 10 };
        var join = new Option<bool>("--join") { Description = "Take a board that belongs to another cluster into this one (--lab): it forgets the other's key" };
        var claim = new Option<bool>("--claim") { Description = "With --link: give a board that has no key (its console not wired) this cluster's key over the network; the key crosses the wire in the clear, so do it on a switch with only this laptop and the board" };
        var command = new Command("provision", "Set what a board keeps in flash: its cluster key (over USB), board profile, node name and address")
        {
            port, link, board, name, dhcp, address, gateway, dns, noRestart, timeout, join, claim,
        };
        command.SetAction(async (parsed, cancel) =>
        {
            BoardLink target = Target(parsed.GetValue(port), parsed.GetValue(link));
            TimeSpan wait = TimeSpan.FromSeconds(parsed.GetValue(timeout));
            if (parsed.GetValue(claim) && target.Scheme != "tcp")
            {
                throw new CliException("--claim is for a board on the network (--link tcp://ADDRESS:7900); over USB (--port) a board takes the key as it is");
            }

            return await ProvisionAsync(console, target, wait, parsed, board, name, dhcp, address, gateway, dns, noRestart, join, parsed.GetValue(claim), cancel);
        });
        return command;
    }

    /// <summary><c>edgectl board forget --port PORT</c>: the board drops its cluster key (over its USB console only) and restarts with none.</summary>
    public static Command CreateForget(CliConsole console)
    {
        var port = new Option<string>("--port", "-p") { Description = "The board's serial port (its console UART)", Required = true };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the board", DefaultValueFactory = _ => 10 };
        var command = new Command("forget", "Make a board forget its cluster (over its USB console): it then takes no control plane until provisioned again") { port, timeout };
        command.SetAction(async (parsed, cancel) =>
        {
            BoardLink target = Target(parsed.GetValue(port), null);
            if (target.Scheme != "serial")
            {
                throw new CliException("a board forgets its cluster only over its USB console: --port /dev/ttyUSB0");
            }

            return await ForgetAsync(console, target, TimeSpan.FromSeconds(parsed.GetValue(timeout)), cancel);
        });
        return command;
    }

    private static async Task<int> ForgetAsync(CliConsole console, BoardLink target, TimeSpan wait, CancellationToken cancel)
    {
        await using BoardClient client = await ConnectAsync(target, null, wait, cancel);
        try
        {
            BoardHello hello = await client.HelloAsync(wait);
            BoardSettingsAnswer current = await client.SettingsAsync(wait);
            await client.ProvisionAsync(current.Kept, restart: true, wait, BoardSession.ForgetKey);
            console.Out.WriteLine($"✓ {hello.Name} forgot {hello.DescribeCluster()} and restarts with no cluster key; `edgectl board provision --port {target.Target}` gives it one");
            return ExitCodes.Ok;
        }
        catch (BoardSessionException e)
        {
            throw new CliException($"{target}: {e.Message}");
        }
        catch (TimeoutException)
        {
            throw new CliException($"no Edge firmware answered on {target} in {wait.TotalSeconds:0} s");
        }
    }

    private static BoardLink Target(string? port, string? link)
    {
        if ((port == null) == (link == null))
        {
            throw new CliException("say which board: --port /dev/ttyUSB0 (its console UART) or --link tcp://ADDRESS:7900");
        }

        try
        {
            return BoardLink.Parse(link ?? port!);
        }
        catch (FormatException e)
        {
            throw new CliException(e.Message);
        }
    }

    private static async Task<int> ProvisionAsync(CliConsole console, BoardLink target, TimeSpan wait, System.CommandLine.ParseResult parsed,
        Option<string?> board, Option<string?> name, Option<bool> dhcp, Option<string?> address, Option<string?> gateway, Option<string?> dns, Option<bool> noRestart,
        Option<bool> join, bool claim, CancellationToken cancel)
    {
        string cluster = parsed.GetValue(GlobalOptions.Lab) ?? "lab";
        ClusterKey? key = target.Scheme == "serial" || claim ? ClusterKeyFile.LoadOrCreate(cluster) : ClusterKeyFile.Load(cluster);
        await using BoardClient client = await ConnectAsync(target, key, wait, cancel);
        BoardHello hello;
        BoardSettingsAnswer current;
        try
        {
            hello = claim ? await client.ClaimAsync(wait) : await client.HelloAsync(wait);
            current = await client.SettingsAsync(wait);
        }
        catch (TimeoutException)
        {
            throw new CliException($"no Edge firmware answered on {target} in {wait.TotalSeconds:0} s: is it flashed (edgectl board flash) and is this its console UART?");
        }
        catch (BoardSessionException e)
        {
            throw new CliException($"{target}: {e.Message}");
        }

        if (current.Problem != null)
        {
            console.Warning($"{hello.Name}: {current.Problem}");
        }

        BoardSettings wanted = Changed(current.Kept, parsed, board, name, dhcp, address, gateway, dns, out bool changed);
        string keptCluster = current.KeyId != 0 ? Cluster(current.Kept.Cluster, current.KeyId) : "- (no key)";
        string newCluster = keptCluster;
        int keyAction = BoardSession.KeepKey;
        bool otherCluster = current.KeyId != 0 && (current.KeyId != key?.Id || current.Kept.Cluster != cluster);
        if (otherCluster && !parsed.GetValue(join))
        {
            console.Warning($"{hello.Name} belongs to cluster \"{current.Kept.Cluster}\" (key {Dataplane.Trust.SessionAuth.Describe(current.KeyId)}); it stays there: --join takes it into \"{cluster}\"");
        }
        else if ((hello.Trust == Dataplane.Mgmt.Messages.LineTrusted || client.Claimed) && key != null && (current.KeyId == 0 || otherCluster))
        {
            // Over USB: the board joins this cluster (physical access is what gives a board its key).
            wanted.Key = key.Key;
            wanted.Cluster = cluster;
            wanted.Boots = (uint)System.Security.Cryptography.RandomNumberGenerator.GetInt32(int.MaxValue); // see BoardSettings.Boots
            keyAction = BoardSession.SetKey;
            newCluster = Cluster(cluster, key.Id);
            changed = true;
        }

        console.Out.WriteLine($"{hello.Name} at {Ipv4Address.Format(hello.Address)} ({target}), firmware {hello.Firmware}");
        TextTable.Write(console.Out, ["", "BOARD", "NAME", "ADDRESS", "CLUSTER"],
            changed
                ? [[.. Row("kept", current.Kept), keptCluster], [.. Row("new", wanted), newCluster]]
                : [[.. Row("kept", current.Kept), keptCluster]]);
        if (!changed)
        {
            return ExitCodes.Ok;
        }

        string? problem = wanted.Validate();
        if (problem != null)
        {
            throw new CliException(problem);
        }

        bool restart = !parsed.GetValue(noRestart);
        try
        {
            await client.ProvisionAsync(wanted, restart, wait, keyAction);
        }
        catch (BoardSessionException e)
        {
            throw new CliException($"{hello.Name}: {e.Message}");
        }

        string next = BootPlan.From(wanted, hello.Name, 0).Name;
        string joined = keyAction == BoardSession.SetKey ? $", in {key!.Describe()}" : "";
        console.Out.WriteLine(restart
            ? $"✓ {hello.Name} keeps the new settings and restarts as {next} ({wanted.DescribeAddressing()}){joined}; `edgectl boards` or `edgectl up` finds it again"
            : $"✓ {hello.Name} keeps the new settings; it boots as {next} ({wanted.DescribeAddressing()}){joined} at its next restart");
        return ExitCodes.Ok;
    }

    private static string Cluster(string name, uint keyId) => $"{(name.Length > 0 ? name : "?")} (key {Dataplane.Trust.SessionAuth.Describe(keyId)})";

    private static async Task<BoardClient> ConnectAsync(BoardLink target, ClusterKey? key, TimeSpan wait, CancellationToken cancel)
    {
        using var waited = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        waited.CancelAfter(wait);
        try
        {
            return await target.ConnectAsync(key, waited.Token);
        }
        catch (Exception e) when (e is BoardSessionException or IOException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            throw new CliException($"cannot open {target}: {e.Message}");
        }
    }

    private static IReadOnlyList<string> Row(string which, BoardSettings s) =>
        [which, s.Profile.Length > 0 ? s.Profile : "-", s.Name.Length > 0 ? s.Name : "- (from its MAC)", s.DescribeAddressing()];

    /// <summary>The kept settings with the options given applied; <paramref name="changed"/> says whether any was.</summary>
    private static BoardSettings Changed(BoardSettings kept, System.CommandLine.ParseResult parsed,
        Option<string?> board, Option<string?> name, Option<bool> dhcp, Option<string?> address, Option<string?> gateway, Option<string?> dns, out bool changed)
    {
        var s = new BoardSettings
        {
            Profile = kept.Profile, Name = kept.Name, Static = kept.Static, Address = kept.Address,
            PrefixLength = kept.PrefixLength, Gateway = kept.Gateway, Dns = kept.Dns,
        };
        changed = false;
        if (parsed.GetValue(board) is { } id)
        {
            BoardProfile profile = BoardProfiles.Find(id)
                ?? throw new CliException($"no board \"{id}\"; `edgectl board list` shows the supported ones ({string.Join(", ", BoardProfiles.All.Select(p => p.Id))})");
            s.Profile = profile.Id;
            changed = true;
        }

        if (parsed.GetValue(name) is { } n)
        {
            s.Name = n;
            changed = true;
        }

        if (parsed.GetValue(dhcp))
        {
            if (parsed.GetValue(address) != null)
            {
                throw new CliException("--dhcp and --address contradict each other: choose one");
            }

            s.Static = false;
            s.Address = s.Gateway = 0;
            s.PrefixLength = 0;
            changed = true;
        }

        if (parsed.GetValue(address) is { } cidr)
        {
            int slash = cidr.IndexOf('/');
            if (slash < 0 || !Ipv4Address.TryParse(cidr[..slash], out uint a) || !int.TryParse(cidr[(slash + 1)..], out int prefix))
            {
                throw new CliException($"--address {cidr}: expected ADDRESS/PREFIX, e.g. 192.168.50.11/24");
            }

            s.Static = true;
            s.Address = a;
            s.PrefixLength = prefix;
            changed = true;
        }

        if (parsed.GetValue(gateway) is { } g)
        {
            s.Gateway = Ipv4Address.TryParse(g, out uint gw) ? gw : throw new CliException($"--gateway {g}: not an IPv4 address");
            changed = true;
        }

        if (parsed.GetValue(dns) is { } d)
        {
            s.Dns = Ipv4Address.TryParse(d, out uint server) ? server : throw new CliException($"--dns {d}: not an IPv4 address");
            changed = true;
        }

        if (!s.Static && (parsed.GetValue(gateway) != null || parsed.GetValue(dns) != null))
        {
            throw new CliException("--gateway and --dns go with a static --address; with DHCP the lab switch hands them out");
        }

        return s;
    }
}
