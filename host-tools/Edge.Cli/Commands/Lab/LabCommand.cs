using System.CommandLine;

namespace Edge.Cli.Commands.Lab;

/// <summary><c>edgectl lab up|down|status</c>: a cluster of virtual boards on this machine, for a workshop without hardware.</summary>
public static class LabCommand
{
    public static Command Create(CliConsole console)
    {
        var nodes = new Option<int>("--nodes") { Description = "How many virtual boards", DefaultValueFactory = _ => 3 };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for every node to be Ready", DefaultValueFactory = _ => 60 };
        var firstAddress = new Option<string?>("--first-address")
        {
            Description = "Put the boards on loopback from this address (node-N takes the N-th from it; two loopback labs on one machine need different ones). "
                + "Default: as root on Linux, a bridge that `overlay join` can reach; else 127.0.10.1",
        };
        var notReadyAfter = new Option<double?>("--not-ready-after") { Description = "Seconds without a heartbeat before a node is NotReady (default 6)" };
        var evictAfter = new Option<double?>("--evict-after") { Description = "Seconds NotReady before its pods are replaced elsewhere (default 15)" };
        var profiles = new Option<string[]>("--profile")
        {
            Description = "Boot the boards it starts as this board (repeatable, in node order; the last for the rest): its memory class's capacities, "
                + "e.g. --profile wt32-eth01 --profile esp32-ethernet-kit for a WROOM node-1 and WROVER others. `edgectl board list` shows them",
        };
        var ui = new Option<bool>("--ui") { Description = "Also serve the lab view in a browser (`edgectl ui` in the background, on loopback; `lab down` stops it) and print its URL" };
        var up = new Command("up", "Start (or complete) the lab: a control plane and N virtual boards; waits until every node is Ready")
        {
            nodes, timeout, firstAddress, notReadyAfter, evictAfter, profiles, ui,
        };
        up.SetAction((parsed, cancel) => new LabUp(console, parsed.GetValue(GlobalOptions.Lab)!, parsed.GetValue(firstAddress))
        {
            ControlPlaneArgs = Timings(parsed.GetValue(notReadyAfter), parsed.GetValue(evictAfter)),
            Profiles = parsed.GetValue(profiles) ?? [],
            Ui = parsed.GetValue(ui),
        }.RunAsync(parsed.GetValue(nodes), TimeSpan.FromSeconds(parsed.GetValue(timeout)), cancel));

        var purge = new Option<bool>("--purge") { Description = "Also delete the cluster's state (objects, events); the next `lab up` starts empty" };
        var down = new Command("down", "Stop the lab's processes; the cluster's state is kept for the next `lab up` unless --purge") { purge };
        down.SetAction((parsed, cancel) => LabDown.RunAsync(console, parsed.GetValue(GlobalOptions.Lab)!, parsed.GetValue(purge), cancel));

        var status = new Command("status", "Show the lab's processes and whether each board is connected");
        status.SetAction((parsed, cancel) => LabStatus.RunAsync(console, parsed.GetValue(GlobalOptions.Lab)!, cancel));

        return new Command("lab", "Run a cluster of virtual boards on this machine (no hardware needed)") { up, down, status };
    }

    /// <summary><c>edgectl kubeconfig</c>: the kubeconfig `lab up` (or `up`) wrote for the lab, for kubectl (`edgectl kubeconfig &gt; ~/.kube/edge`).</summary>
    public static Command CreateKubeconfig(CliConsole console)
    {
        var command = new Command("kubeconfig", "Print the lab's kubeconfig (kubectl's view of this cluster; `lab up` writes it)");
        command.SetAction(parsed =>
        {
            string lab = parsed.GetValue(GlobalOptions.Lab)!;
            string path = LabKubeconfig.PathFor(lab);
            if (!File.Exists(path))
            {
                throw new CliException($"no kubeconfig for lab \"{lab}\" yet: `edgectl lab up` (or `edgectl up`) writes it");
            }

            console.Out.Write(File.ReadAllText(path));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Node-lifecycle settings for the control plane a lab starts (a running one keeps its own until restarted).</summary>
    private static List<string> Timings(double? notReadyAfter, double? evictAfter)
    {
        var args = new List<string>();
        if (notReadyAfter is double n)
        {
            args.AddRange(["--not-ready-after", n.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }

        if (evictAfter is double e)
        {
            args.AddRange(["--evict-after", e.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }

        return args;
    }

    /// <summary><c>edgectl up --port PORT...</c>: the control plane for boards on USB serial ports.</summary>
    public static Command CreateUp(CliConsole console)
    {
        var ports = new Option<string[]>("--port", "-p") { Description = "A board's serial port (repeatable): /dev/ttyUSB0, /dev/serial/by-id/..., /dev/cu.usbserial-..." };
        var baud = new Option<int>("--baud") { Description = "The boards' console speed", DefaultValueFactory = _ => 115200 };
        var links = new Option<string[]>("--board") { Description = "Any board link (repeatable): tcp://HOST:7900 for a virtual board elsewhere, serial:///dev/ttyUSB0?baud=N" };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for every board to be Ready", DefaultValueFactory = _ => 60 };
        var up = new Command("up", "Start the control plane for boards on serial ports (or other links); waits until every board is a Ready node") { ports, links, baud, timeout };
        up.SetAction((parsed, cancel) => new LabUp(console, parsed.GetValue(GlobalOptions.Lab)!)
            .RunBoardsAsync(parsed.GetValue(ports) ?? [], parsed.GetValue(links) ?? [], parsed.GetValue(baud), TimeSpan.FromSeconds(parsed.GetValue(timeout)), cancel));
        return up;
    }
}
