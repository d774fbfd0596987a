using System.CommandLine;
using Edge.Cli.Api;

namespace Edge.Cli.Commands.Resources;

/// <summary>
/// <c>edgectl capture NODE [--port overlay|POD] -w FILE|-</c>: a live pcap of a board's overlay
/// (VXLAN as it crossed the wire) or of one pod's port on its bridge, for Wireshark or
/// `tshark -r -`; until Ctrl+C or --duration.
/// </summary>
public static class CaptureCommand
{
    public static Command Create(CliConsole console)
    {
        var node = new Argument<string>("node") { Description = "The node (board) to capture on" };
        ClusterCompletions.Names(node, "Node");
        var port = new Option<string>("--port") { Description = "overlay, or the name of a pod on that node", DefaultValueFactory = _ => "overlay" };
        var write = new Option<string>("--write", "-w") { Description = "The pcap file to write, or - for standard output (| wireshark -k -i -)", Required = true };
        var duration = new Option<double?>("--duration") { Description = "Stop after this many seconds (default: at Ctrl+C)" };
        var command = new Command("capture", "Capture a node's overlay or a pod's traffic as pcap") { node, port, write, duration };
        command.SetAction(async (parsed, cancel) =>
        {
            string target = parsed.GetValue(write)!;
            string where = parsed.GetValue(port)!;
            using ApiClient api = ApiClient.For(parsed);
            // Until --duration, or Ctrl+C, which stops the capture and keeps the file (System.CommandLine leaves signals to the commands: EdgeCli.RunAsync).
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            if (parsed.GetValue(duration) is double seconds)
            {
                stop.CancelAfter(TimeSpan.FromSeconds(seconds));
            }

            ConsoleCancelEventHandler onCtrlC = (_, e) =>
            {
                e.Cancel = true;
                stop.Cancel();
            };
            Console.CancelKeyPress += onCtrlC;
            try
            {
                using Stream file = target == "-" ? Console.OpenStandardOutput() : File.Create(target);
                using var output = new Output.PcapWholeRecords(file);
                string path = $"/api/v1/nodes/{Uri.EscapeDataString(parsed.GetValue(node)!)}/capture?port={Uri.EscapeDataString(where)}&namespace={Uri.EscapeDataString(ResourceArgs.Namespace(parsed))}";
                await api.StreamAsync(path, output, stop.Token,
                    () => console.Err.WriteLine($"capturing {where} on {parsed.GetValue(node)} into {(target == "-" ? "stdout" : target)}; Ctrl+C to stop"));
                console.Err.WriteLine($"{output.Records:N0} packets captured");
                return ExitCodes.Ok;
            }
            catch (UnauthorizedAccessException e)
            {
                throw new CliException($"cannot write {target}: {e.Message}");
            }
            finally
            {
                Console.CancelKeyPress -= onCtrlC;
            }
        });
        return command;
    }
}
