using Edge.Host.Printing;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Edge.Cli.Api;
using Edge.Cli.Output;
using Edge.Dataplane.Wire;
using Edge.Host.Cluster;
using Edge.Host.Lab;
using Edge.Host.Objects;
using Edge.VirtualBoard;
using Spectre.Console;

using Edge.Dataplane.Boards;
using Edge.Host.Trust;
using Edge.VirtualBoard.Platform;

namespace Edge.Cli.Commands.Lab;

/// <summary>
/// Brings a lab to N Ready nodes, starting only what is not already running, so `lab up` is
/// also how a crashed control plane or a killed board comes back. Every step says what it did;
/// a step that fails says which log to read. The boards sit on this host's loopback
/// (127.0.10.N), or, as root on Linux, each in its own namespace on a bridge that this host's
/// kernel vxlan can reach (<see cref="LabLayout"/> decides, <see cref="LabBridge"/> builds it).
/// </summary>
public sealed class LabUp(CliConsole console, string name, string? firstAddress = null)
{
    public const int MaxNodes = 32;

    public const string DefaultFirstAddress = "127.0.10.1";

    /// <summary>The bridge layout this run put the boards on; null on loopback.</summary>
    private LabNetwork? _bridge;

    /// <summary>Extra arguments for a control plane this command starts (node-lifecycle timings).</summary>
    public List<string> ControlPlaneArgs { get; init; } = [];

    /// <summary>
    /// Board profiles the virtual boards it starts are provisioned as, in node order (the last
    /// one for the rest): each boots with its memory class's capacities, as that board would.
    /// Empty: none (a virtual board's own, roomier capacities).
    /// </summary>
    public IReadOnlyList<string> Profiles { get; init; } = [];

    /// <summary>Also run the lab view (`edgectl ui`) in the background: `lab up --ui`.</summary>
    public bool Ui { get; init; }

    private string BoardAddress(int n)
    {
        if (_bridge != null)
        {
            return _bridge.BoardAddress(n);
        }

        string loopback = firstAddress ?? DefaultFirstAddress;
        if (!Ipv4Address.TryParse(loopback, out uint first) || (first >> 24) != 127 || (byte)first == 0 || (byte)first + MaxNodes > 255)
        {
            throw new CliException($"--first-address {loopback}: give a loopback address like 127.0.10.1 with room for {MaxNodes} boards after it");
        }

        return Ipv4Address.Format(first + (uint)(n - 1));
    }

    public async Task<int> RunAsync(int nodes, TimeSpan timeout, CancellationToken cancel)
    {
        if (nodes is < 1 or > MaxNodes)
        {
            throw new CliException($"--nodes {nodes}: a lab has 1 to {MaxNodes} virtual boards");
        }

        foreach (string profile in Profiles)
        {
            if (BoardProfiles.Find(profile) == null)
            {
                throw new CliException($"--profile {profile}: no such board profile; `edgectl board list` shows them ({string.Join(", ", BoardProfiles.All.Select(p => p.Id))})");
            }
        }

        LabState state = LabState.Load(name) ?? new LabState { Name = name };
        string dir = LabState.DirectoryFor(name);
        Directory.CreateDirectory(dir);
        ChooseNetwork(state, nodes);

        for (int n = 1; n <= nodes; n++)
        {
            await StartBoardAsync(state, n, dir, cancel);
        }

        await StartControlPlaneAsync(state, dir, cancel);
        await DialBoardsAsync(state, cancel);
        await WaitForNodesAsync(state, nodes, timeout, cancel);
        string kubeconfig = LabKubeconfig.Write(state);
        MergeKubeconfig(state);
        if (Ui)
        {
            await StartUiAsync(state, dir, cancel);
        }

        console.Out.WriteLine();
        console.Out.WriteLine($"The lab is up: {nodes} node{(nodes == 1 ? "" : "s")}, API at {state.Server}. Try:");
        console.Out.WriteLine("  edgectl get nodes -o wide");
        console.Out.WriteLine("  edgectl apply -f examples/web.yaml -f examples/client.yaml");
        console.Out.WriteLine("  edgectl get pods -o wide");
        console.Out.WriteLine("  edgectl exec client -- wget -qO- http://web");
        console.Out.WriteLine($"  edgectl apply -f examples/ingress.yaml && curl http://{BoardAddress(1)}/web");
        if (_bridge != null)
        {
            console.Out.WriteLine("  edgectl overlay join        # this host on the pod network: curl http://POD-IP/, dig @10.96.0.10 web.default.svc.cluster.local");
        }

        console.Out.WriteLine($"kubectl works too (`kubectl get nodes`); the lab's own kubeconfig: {kubeconfig}");
        if (state.Ui != null && Ui)
        {
            console.Out.WriteLine($"Lab view: {state.Ui.Address}  (open it in a browser; `edgectl ui --address 0.0.0.0` shows it to other machines)");
        }

        console.Out.WriteLine("Stop it with `edgectl lab down` (state is kept; --purge forgets it).");
        return ExitCodes.Ok;
    }

    /// <summary>`edgectl ui` in the background for `lab up --ui`: on loopback, on the port it had before when that is free, recorded in the lab's file.</summary>
    private async Task StartUiAsync(LabState state, string dir, CancellationToken cancel)
    {
        if (state.Ui != null && LabProcesses.IsAlive(state.Ui.Pid) && await HealthyAsync(state.Ui.Address, cancel))
        {
            Done($"lab view is running (pid {state.Ui.Pid}, {state.Ui.Address})");
            return;
        }

        int port = Uri.TryCreate(state.Ui?.Address, UriKind.Absolute, out Uri? previous) && LabProcesses.PortIsFree(previous.Port) ? previous.Port : LabProcesses.FreePort();
        string log = Path.Combine(dir, "ui.log");
        int pid = LabProcesses.StartDetached(["ui", "--lab", name, "--address", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--log", log]);
        state.Ui = new LabProcess { Name = "ui", Pid = pid, Address = $"http://127.0.0.1:{port}/", Log = log };
        state.Save();

        var clock = Stopwatch.StartNew();
        while (!await HealthyAsync(state.Ui.Address, cancel))
        {
            if (!LabProcesses.IsAlive(pid) || clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new CliException($"the lab view did not start; its log ({log}) ends:\n{Tail(log)}");
            }

            await Task.Delay(100, cancel);
        }

        Done($"started the lab view (pid {pid}, {state.Ui.Address})");
    }

    /// <summary>
    /// `edgectl up`: the same control plane for boards on serial ports. The boards are their own
    /// hardware: nothing to start, only links to dial; their names come from their hellos.
    /// </summary>
    public async Task<int> RunBoardsAsync(string[] ports, string[] links, int baud, TimeSpan timeout, CancellationToken cancel)
    {
        if (ports.Length == 0 && links.Length == 0)
        {
            throw new CliException("give the boards' serial ports: `edgectl up --port /dev/ttyUSB0 --port /dev/ttyUSB1` (`edgectl boards` lists them)");
        }

        LabState state = LabState.Load(name) ?? new LabState { Name = name };
        Directory.CreateDirectory(LabState.DirectoryFor(name));
        foreach (string port in ports)
        {
            if (!File.Exists(port))
            {
                throw new CliException($"{port} does not exist: is the board plugged in? (`edgectl boards` lists the serial ports)");
            }

            string link = new BoardLink("serial", port, 0, baud).ToString();
            if (!state.Boards.Any(b => b.Address == link))
            {
                state.Boards.Add(new LabProcess { Name = port, Pid = 0, Address = link });
            }
        }

        foreach (string text in links)
        {
            BoardLink link;
            try
            {
                link = BoardLink.Parse(text);
            }
            catch (FormatException e)
            {
                throw new CliException(e.Message);
            }

            if (!state.Boards.Any(b => b.Address == link.ToString()))
            {
                state.Boards.Add(new LabProcess { Name = link.ToString(), Pid = 0, Address = link.ToString() });
            }
        }

        state.Save();
        await StartControlPlaneAsync(state, LabState.DirectoryFor(name), cancel);
        await DialBoardsAsync(state, cancel);
        await WaitForNodesAsync(state, state.Boards.Count, timeout, cancel);
        string kubeconfig = LabKubeconfig.Write(state);
        MergeKubeconfig(state);
        console.Out.WriteLine();
        console.Out.WriteLine($"The cluster is up: {state.Boards.Count} board{(state.Boards.Count == 1 ? "" : "s")}, API at {state.Server}. Try `edgectl get nodes -o wide`.");
        console.Out.WriteLine($"kubectl works too (`kubectl get nodes`); the lab's own kubeconfig: {kubeconfig}");
        return ExitCodes.Ok;
    }

    /// <summary>
    /// Takes the lab's layout and says which and why; on the bridge, makes the bridge (and
    /// picks the lab's /24 the first time). On loopback, warns what may not work there.
    /// </summary>
    private void ChooseNetwork(LabState state, int nodes)
    {
        bool loopbackKept = state.Boards.Any(b => b.Pid > 0 && b.Address.StartsWith("tcp://127.", StringComparison.Ordinal));
        LabNetwork? kept = LabNetwork.Load(name);
        LabLayoutChoice layout = LabLayout.Choose(name, firstAddress, kept, loopbackKept,
            OperatingSystem.IsLinux(), Environment.IsPrivilegedProcess, HostCommands.Find("ip") != null);
        if (layout.Kind == LabLayoutKind.Bridge)
        {
            bool fresh = kept == null;
            try
            {
                _bridge = LabBridge.Prepare(name);
                if (fresh)
                {
                    LabBridge.PrepareBoard(_bridge, 1); // a probe: root in a container may make links but not namespaces
                }
            }
            catch (CliException e) when (fresh)
            {
                LabBridge.Abandon(name);
                _bridge = null;
                layout = new(LabLayoutKind.Loopback, $"the bridge layout could not be made here: {e.Message}");
            }
        }

        string range = BoardAddress(1) + (nodes > 1 ? "-" + BoardAddress(nodes).Split('.')[3] : "");
        if (_bridge != null)
        {
            Done($"network: bridge {_bridge.Bridge} on {_bridge.Subnet}, this host {_bridge.HostAddress}, boards at {range}, each in its own namespace ({_bridge.BoardNamespacePrefix}N)");
            return;
        }

        Done($"network: loopback, boards at {range} ({layout.Reason}; `edgectl overlay join` needs the bridge layout: this host's kernel vxlan cannot reach loopback boards)");
        if (!OperatingSystem.IsLinux())
        {
            console.Warning("virtual boards use 127.0.10.N addresses, which only Linux routes without setup; on macOS add them with `sudo ifconfig lo0 alias 127.0.10.N`");
        }
        else if (!IngressPortAllowed())
        {
            console.Warning("the boards' ingress listens on port 80 of their addresses, which needs root here: run the lab as root, "
                + "or allow it once with `sudo sysctl net.ipv4.ip_unprivileged_port_start=80`; everything else works without");
        }
    }

    private static async Task DialBoardsAsync(LabState state, CancellationToken cancel)
    {
        using var api = new ApiClient(state.Server, state.Token);
        foreach (LabProcess board in state.Boards)
        {
            await api.PostAsync("/edge/v1/boards", new JsonObject { ["link"] = board.Address }, cancel);
        }
    }

    private async Task StartBoardAsync(LabState state, int n, string dir, CancellationToken cancel)
    {
        string node = $"node-{n}";
        LabProcess? existing = state.Boards.FirstOrDefault(b => b.Name == node);
        if (existing != null && LabProcesses.IsAlive(existing.Pid))
        {
            Done($"{node} is running (pid {existing.Pid})");
            return;
        }

        string address = BoardAddress(n);
        string? netns = _bridge?.BoardNamespace(n);
        if (netns != null)
        {
            LabBridge.PrepareBoard(_bridge!, n); // a namespace of its own: nothing else can hold its ports
        }
        else if (PortOwners.Taken(address, AgentBoard.DefaultMgmtPort, VxlanHeader.IanaPort) is { } taken)
        {
            int? owner = PortOwners.TcpListener(address, AgentBoard.DefaultMgmtPort);
            string who = owner is int holder ? $" by {PortOwners.Describe(holder)}"
                : taken.EndsWith("(UDP)", StringComparison.Ordinal) ? " (another lab's board, or a Linux vxlan device with dstport 4789: `ip -d link show type vxlan`)" : "";
            throw new CliException($"cannot start {node}: {taken} is taken{who}. Stop what holds it (another lab: `edgectl lab down` with its EDGE_HOME and --lab), "
                + "or give this lab other addresses: `edgectl lab up --first-address 127.0.11.1`");
        }

        string log = Path.Combine(dir, node + ".log");
        string flash = ProvisionVirtualBoard(dir, node, Profiles.Count == 0 ? "" : Profiles[Math.Min(n, Profiles.Count) - 1]);
        int pid = LabProcesses.StartDetached(["vboard", "--name", node, "--address", address, "--log", log, "--state", flash], netns);
        state.Boards.RemoveAll(b => b.Name == node);
        state.Boards.Add(new LabProcess { Name = node, Pid = pid, Address = $"tcp://{BoardAddress(n)}:{AgentBoard.DefaultMgmtPort}", Log = log });
        state.Boards.Sort((a, b) => NodeNumber(a.Name).CompareTo(NodeNumber(b.Name)));
        state.Save();

        // The board that answers on its address must be this process: wait until it listens, or say why it did not.
        var clock = Stopwatch.StartNew();
        int? listener;
        while ((listener = PortOwners.TcpListener(address, AgentBoard.DefaultMgmtPort, namespaceOf: netns != null ? pid : null)) != pid && OperatingSystem.IsLinux())
        {
            if (!LabProcesses.IsAlive(pid))
            {
                throw new CliException($"virtual board {node} exited; its log ({log}) ends:\n{Tail(log)}");
            }

            if (listener is int other)
            {
                throw new CliException($"{address}:{AgentBoard.DefaultMgmtPort} is answered by {PortOwners.Describe(other)}, not by {node} (pid {pid}): another lab's board took the address");
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new CliException($"virtual board {node} (pid {pid}) did not listen on {address}:{AgentBoard.DefaultMgmtPort} in 20 s; its log ({log}) ends:\n{Tail(log)}");
            }

            await Task.Delay(50, cancel);
        }

        Done($"started virtual board {node} at {address}{(netns != null ? $" in namespace {netns}" : "")} (pid {pid})");
    }

    // Linux lets a process without privileges listen below ip_unprivileged_port_start (1024 unless changed).
    private static bool IngressPortAllowed()
    {
        if (Environment.IsPrivilegedProcess)
        {
            return true;
        }

        try
        {
            return int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_unprivileged_port_start").Trim(), System.Globalization.CultureInfo.InvariantCulture) <= 80;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return false;
        }
    }

    /// <summary>kubectl's own kubeconfig gets the lab's context, made current, as `kind create cluster` does.</summary>
    private void MergeKubeconfig(LabState state)
    {
        string path = UserKubeconfig.PathOf();
        UserKubeconfig.Merge(path, LabKubeconfig.ContextFor(name), state.Server, state.Token);
        Done($"kubectl's context is now {LabKubeconfig.ContextFor(name)} ({path})");
    }

    /// <summary>
    /// What `board provision` does over USB for a flashed board: the virtual board's flash (a
    /// directory) is given the lab's cluster key before it boots, so it obeys this lab's control
    /// plane and no other, and the board profile it is to boot as ("" for none). Returns the directory.
    /// </summary>
    private string ProvisionVirtualBoard(string dir, string node, string profile)
    {
        ClusterKey key = ClusterKeyFile.LoadOrCreate(name);
        string flash = Path.Combine(dir, node);
        // The key sits in this directory: its owner's alone, as the cluster's own key file is.
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(flash);
        }
        else
        {
            Directory.CreateDirectory(flash, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var storage = new FileStorage(flash);
        BoardSettings settings = BoardSettings.Load(storage, out _);
        if (settings.Key == null || !settings.Key.AsSpan().SequenceEqual(key.Key) || settings.Cluster != name || settings.Profile != profile)
        {
            settings.Key = key.Key;
            settings.Cluster = name;
            settings.Profile = profile;
            settings.Boots = (uint)System.Security.Cryptography.RandomNumberGenerator.GetInt32(int.MaxValue); // see BoardSettings.Boots
            if (!settings.SaveInBothSlots(storage))
            {
                throw new CliException($"cannot write {node}'s settings under {flash}");
            }
        }

        return flash;
    }

    private async Task StartControlPlaneAsync(LabState state, string dir, CancellationToken cancel)
    {
        if (state.ControlPlane != null && LabProcesses.IsAlive(state.ControlPlane.Pid) && await HealthyAsync(state.Server, cancel))
        {
            Done($"control plane is running (pid {state.ControlPlane.Pid}, API {state.Server})");
            return;
        }

        int port = Uri.TryCreate(state.Server, UriKind.Absolute, out Uri? previous) && LabProcesses.PortIsFree(previous.Port) ? previous.Port : LabProcesses.FreePort();
        string log = Path.Combine(dir, "controlplane.log");
        var args = new List<string> { "controlplane", "--lab", name, "--listen", $"127.0.0.1:{port}", "--log", log };
        args.AddRange(ControlPlaneArgs);
        foreach (LabProcess board in state.Boards)
        {
            args.Add("--board");
            args.Add(board.Address);
        }

        int pid = LabProcesses.StartDetached(args);
        state.Server = $"http://127.0.0.1:{port}";
        state.ControlPlane = new LabProcess { Name = "controlplane", Pid = pid, Address = state.Server, Log = log };
        state.Save();

        var clock = Stopwatch.StartNew();
        while (!await HealthyAsync(state.Server, cancel))
        {
            if (!LabProcesses.IsAlive(pid) || clock.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new CliException($"the control plane did not start; its log ({log}) ends:\n{Tail(log)}");
            }

            await Task.Delay(100, cancel);
        }

        Done($"started the control plane (pid {pid}, API {state.Server})");
    }

    private async Task WaitForNodesAsync(LabState state, int nodes, TimeSpan timeout, CancellationToken cancel)
    {
        using var api = new ApiClient(state.Server, state.Token);
        var ready = new HashSet<string>();
        var clock = Stopwatch.StartNew();
        while (ready.Count < nodes)
        {
            List<KubeObject> listed = await api.ListAsync(KindInfo.ForKind("Node")!, null, null, cancel);
            foreach (KubeObject node in listed.Where(n => ResourceColumns.NodeStatus(n).StartsWith("Ready", StringComparison.Ordinal)).OrderBy(n => n.Name, StringComparer.Ordinal))
            {
                if (ready.Add(node.Name))
                {
                    Done($"{node.Name} Ready (pod CIDR {(string?)node.Spec?["podCIDR"]})");
                }
            }

            if (ready.Count >= nodes)
            {
                break;
            }

            foreach (LabProcess board in state.Boards.Where(b => b.Pid > 0 && !LabProcesses.IsAlive(b.Pid)))
            {
                throw new CliException($"virtual board {board.Name} exited; its log ({board.Log}) ends:\n{Tail(board.Log)}");
            }

            // A board that will not take this control plane (another cluster's, or one with no key) does not come round by waiting.
            JsonObject boards = await api.GetAsync("/edge/v1/boards", cancel);
            if ((boards["items"] as JsonArray ?? []).FirstOrDefault(b => (bool?)b?["untrusted"] == true) is JsonNode refused)
            {
                throw new CliException($"{(string?)refused["link"]}: {(string?)refused["problem"]}\n"
                    + $"(this cluster's control plane keeps running for its other boards; `edgectl lab down --lab {name}` stops it)");
            }

            if (clock.Elapsed > timeout)
            {
                JsonObject sessions = await api.GetAsync("/edge/v1/boards", cancel);
                var problems = (sessions["items"] as JsonArray ?? []).Where(b => (bool?)b?["connected"] != true)
                    .Select(b => $"{(string?)b?["name"] ?? (string?)b?["link"]}: {(string?)b?["problem"]}").ToList();
                throw new CliException($"{nodes - ready.Count} of {nodes} nodes not Ready after {timeout.TotalSeconds:0} s"
                    + (problems.Count > 0 ? ":\n  " + string.Join("\n  ", problems) : "") + $"\nsee `edgectl lab status` and {state.ControlPlane?.Log}");
            }

            await Task.Delay(200, cancel);
        }
    }

    private void Done(string what)
    {
        if (console.Colour)
        {
            console.Styled.MarkupLine("[green]✓[/] " + Markup.Escape(what));
        }
        else
        {
            console.Out.WriteLine("✓ " + what);
        }
    }

    private static async Task<bool> HealthyAsync(string server, CancellationToken cancel)
    {
        if (string.IsNullOrEmpty(server))
        {
            return false;
        }

        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            return (await http.GetStringAsync(server.TrimEnd('/') + "/healthz", cancel)).Trim() == "ok";
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancel.IsCancellationRequested))
        {
            return false; // not up yet, or its 2 s ran out
        }
    }

    private static int NodeNumber(string node) => int.TryParse(node.AsSpan(node.LastIndexOf('-') + 1), out int n) ? n : int.MaxValue;

    internal static string Tail(string path, int lines = 10)
    {
        try
        {
            return string.Join("\n", File.ReadAllLines(path).TakeLast(lines).Select(l => "  " + l));
        }
        catch (IOException)
        {
            return "  (no log)";
        }
    }
}
