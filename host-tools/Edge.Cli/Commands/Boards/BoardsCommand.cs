using System.CommandLine;
using Edge.Cli.Output;
using Edge.Dataplane.Wire;
using Edge.Host.Serial;

namespace Edge.Cli.Commands.Boards;

/// <summary>
/// <c>edgectl boards</c>: the USB serial ports of this machine and, for each, whether Edge
/// firmware answers on it (its node name and address), so an instructor can tell which cable
/// is which board before `edgectl up`.
/// </summary>
public static class BoardsCommand
{
    public static Command Create(CliConsole console)
    {
        var ports = new Option<string[]>("--port", "-p") { Description = "Probe these ports instead of every USB serial port found" };
        var baud = new Option<int>("--baud") { Description = "The boards' console speed", DefaultValueFactory = _ => 115200 };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for each board (opening a port may reset it)", DefaultValueFactory = _ => 5 };
        var noProbe = new Option<bool>("--no-probe") { Description = "Only list the ports; do not open them" };
        var command = new Command("boards", "List serial ports and probe them for Edge firmware") { ports, baud, timeout, noProbe };
        command.SetAction(async (parsed, _) =>
        {
            if (OperatingSystem.IsWindows())
            {
                throw new CliException("serial boards are supported on Linux and macOS hosts (Windows: use WSL with usbipd, see hardware-docs/README.md)");
            }

            string[] given = parsed.GetValue(ports) ?? [];
            List<SerialPortInfo> found = given.Length > 0 ? given.Select(p => new SerialPortInfo(p, null)).ToList() : SerialPorts.List();
            if (found.Count == 0)
            {
                throw new CliException("no USB serial ports found: plug a board in (a data cable, not a charge-only one); on Linux, `dmesg | tail` shows whether it was seen");
            }

            var rows = new List<IReadOnlyList<string>>();
            if (parsed.GetValue(noProbe))
            {
                rows.AddRange(found.Select(p => (IReadOnlyList<string>)[p.Path, p.Description ?? "", "-"]));
            }
            else
            {
                TimeSpan wait = TimeSpan.FromSeconds(parsed.GetValue(timeout));
                ProbeResult[] results = await Task.WhenAll(found.Select(p => BoardProbe.ProbeAsync(p.Path, parsed.GetValue(baud), wait)));
                for (int i = 0; i < found.Count; i++)
                {
                    ProbeResult r = results[i];
                    string edge = r.Hello is { } h
                        ? $"{h.Name} at {Ipv4Address.Format(h.Address)}, firmware {h.Firmware}, generation {h.AppliedGeneration}"
                        : r.Problem ?? "";
                    rows.Add([found[i].Path, found[i].Description ?? "", edge]);
                }
            }

            TextTable.Write(console.Out, ["PORT", "DEVICE", "EDGE"], rows);
            return ExitCodes.Ok;
        });
        return command;
    }
}
