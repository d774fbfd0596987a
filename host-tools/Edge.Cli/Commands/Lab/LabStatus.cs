using System.Text.Json.Nodes;
using Edge.Cli.Api;
using Edge.Cli.Output;
using Edge.Host.Lab;

namespace Edge.Cli.Commands.Lab;

/// <summary>The lab's processes (alive or not) and, from the control plane, whether each board is connected and at which generation.</summary>
public static class LabStatus
{
    public static int Run(CliConsole console, string name)
    {
        LabState state = LabState.Load(name) ?? throw new CliException($"no lab \"{name}\" on this machine: start one with `edgectl lab up`");
        var boards = new Dictionary<string, JsonNode>();
        string api = "unreachable";
        try
        {
            using var client = new ApiClient(state.Server, state.Token);
            JsonObject list = client.GetAsync("/edge/v1/boards").GetAwaiter().GetResult();
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
        return ExitCodes.Ok;
    }
}
