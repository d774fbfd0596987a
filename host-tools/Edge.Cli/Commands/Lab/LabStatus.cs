using System.Text.Json.Nodes;
using Edge.Cli.Api;
using Edge.Cli.Output;
using Edge.Host.Lab;

namespace Edge.Cli.Commands.Lab;

/// <summary>The lab's processes (alive or not) and, from the control plane, whether each board is connected and at which generation.</summary>
public static class LabStatus
{
    public static async Task<int> RunAsync(CliConsole console, string name, CancellationToken cancel)
    {
        LabState state = LabState.Load(name) ?? throw new CliException($"no lab \"{name}\" on this machine: start one with `edgectl lab up`");
        var boards = new Dictionary<string, JsonNode>();
        string api = "unreachable";
        try
        {
            using var client = new ApiClient(state.Server, state.Token);
            JsonObject list = await client.GetAsync("/edge/v1/boards", cancel);
            foreach (JsonNode? board in list["items"] as JsonArray ?? [])
            {
                boards[(string?)board?["link"] ?? ""] = board!;
            }

            api = "serving";
        }
        catch (CliException)
        {
            // the table says the control plane is down; that is the answer
        }

        var rows = new List<string[]>();
        if (state.ControlPlane is LabProcess cp)
        {
            rows.Add([cp.Name, LabProcesses.IsAlive(cp.Pid) ? "Running" : "Stopped", cp.Pid.ToString(), cp.Address, "API " + api]);
        }

        if (state.Ui is LabProcess ui)
        {
            rows.Add([ui.Name, LabProcesses.IsAlive(ui.Pid) ? "Running" : "Stopped", ui.Pid.ToString(), ui.Address, "lab view (edgectl ui)"]);
        }

        foreach (LabProcess board in state.Boards)
        {
            string session = boards.TryGetValue(board.Address, out JsonNode? b)
                ? (bool?)b["connected"] == true ? $"connected, generation {(long?)b["generation"]}" : "not connected: " + ((string?)b["problem"] ?? "?")
                : "-";
            string shown = boards.TryGetValue(board.Address, out JsonNode? named) && (string?)named["name"] is string n ? n : board.Name;
            rows.Add(board.Pid > 0
                ? [shown, LabProcesses.IsAlive(board.Pid) ? "Running" : "Stopped", board.Pid.ToString(), board.Address, session]
                : [shown, "board", "-", board.Address, session]);
        }

        TextTable.Write(console.Out, ["NAME", "PROCESS", "PID", "ADDRESS", "SESSION"], rows);
        if (Layout(state, LabNetwork.Load(name)) is { } layout)
        {
            console.Out.WriteLine();
            console.Out.WriteLine(layout);
        }

        return ExitCodes.Ok;
    }

    /// <summary>Where the boards sit, in a line or three: the bridge and what joined it, or loopback; nothing for hardware boards.</summary>
    private static string? Layout(LabState state, LabNetwork? network)
    {
        if (network == null)
        {
            return state.Boards.Any(b => b.Pid > 0)
                ? "Network: loopback (the boards' 127.0.10.N addresses on this host; `edgectl overlay join` cannot reach them, "
                    + "a lab made by `lab up` as root on Linux sits on a bridge it can)"
                : null;
        }

        bool up = OperatingSystem.IsLinux() && HostCommands.LinkExists(network.Bridge);
        var lines = new List<string>
        {
            $"Network: bridge {network.Bridge} on {network.Subnet} ({(up ? "up" : "not there: `edgectl lab up` makes it")}), this host {network.HostAddress}, "
                + $"each board in its own namespace ({network.BoardNamespacePrefix}N)",
        };
        foreach (LabNetworkJoin join in network.Joined)
        {
            string where = join.Link is int k ? $"namespace {join.Netns} at {network.JoinAddress(k)} ({network.JoinPort(k)})"
                : join.Netns != null ? $"namespace {join.Netns} (on a link of its own)"
                : $"this host at {network.HostAddress}";
            lines.Add($"Joined: {where}, vxlan {join.Device}, overlaypeer {join.Peer}");
        }

        return string.Join('\n', lines);
    }
}
