using System.CommandLine;
using Edge.Dataplane.Wire;
using Edge.VirtualBoard;
using Edge.VirtualBoard.Platform;

namespace Edge.Cli.Commands.Daemons;

/// <summary>
/// <c>edgectl vboard --name node-1 --address 127.0.10.1</c>: a virtual board in the foreground,
/// waiting for the control plane on its management port as a flashed board waits on its wire.
/// </summary>
public static class VBoardCommand
{
    public static Command Create(CliConsole console)
    {
        var name = new Option<string>("--name") { Description = "Node name", Required = true };
        var address = new Option<string>("--address") { Description = "The board's own address (127.0.10.N in a loopback lab)", Required = true };
        var mgmtPort = new Option<int>("--mgmt-port") { Description = "Management port the control plane dials", DefaultValueFactory = _ => AgentBoard.DefaultMgmtPort };
        var vxlanPort = new Option<int>("--vxlan-port") { Description = "UDP port of its VXLAN endpoint", DefaultValueFactory = _ => 4789 };
        var log = new Option<string?>("--log") { Description = "Write the log to this file and detach from the terminal" };
        var state = new Option<string?>("--state") { Description = "Its flash: a directory where it keeps provisioned settings (edgectl board provision) across restarts" };
        var command = new Command("vboard", "Run one virtual board in the foreground (lab up runs them in the background)")
        {
            name, address, mgmtPort, vxlanPort, log, state,
        };
        command.SetAction(parsed =>
        {
            if (!Ipv4Address.TryParse(parsed.GetValue(address)!, out uint ip))
            {
                throw new CliException($"--address {parsed.GetValue(address)}: not an IPv4 address");
            }

            using var processLog = new ProcessLog(console, parsed.GetValue(log));
            try
            {
                FileStorage? storage = parsed.GetValue(state) is { } dir ? new FileStorage(dir) : null;
                while (true)
                {
                    // A restart asked for by `edgectl board provision` boots a new board from the kept settings, as a flashed one would.
                    using var board = new AgentBoard(parsed.GetValue(name)!, ip, (ushort)parsed.GetValue(vxlanPort), (ushort)parsed.GetValue(mgmtPort), processLog.Writer, storage);
                    board.Run(processLog.Stop.Token);
                    if (!board.RestartRequested)
                    {
                        processLog.Line($"{board.Plan.Name}: stopped; drops: {board.Agent.Node?.Drops.ToString() ?? "none"}");
                        break;
                    }

                    processLog.Line($"{board.Plan.Name}: restarting into its new settings");
                }
            }
            catch (BoardException e)
            {
                processLog.Line("error: " + e.Message);
                throw new CliException(e.Message);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
