using System.CommandLine;

namespace Edge.Cli.Commands.Decode;

/// <summary>
/// <c>edgectl decode FILE|-</c>: show, layer by layer, what Edge's wire layer reads in a pcap
/// capture (tcpdump -w, tshark -w, edgectl capture), VXLAN included.
/// </summary>
public static class DecodeCommandDefinition
{
    public static Command Create(CliConsole console)
    {
        var file = new Argument<string>("file")
        {
            Description = "A pcap file (tcpdump/tshark -w, classic pcap format), or - for standard input",
        };
        var vxlanPort = new Option<int>("--vxlan-port")
        {
            Description = "UDP destination port to decode as VXLAN (Linux's vxlan default is 8472)",
            DefaultValueFactory = _ => 4789,
        };
        var count = new Option<int>("--count", "-c")
        {
            Description = "Stop after this many frames (0: all)",
            DefaultValueFactory = _ => 0,
        };

        var command = new Command("decode", "Decode a packet capture layer by layer, the way an Edge board parses it")
        {
            file,
            vxlanPort,
            count,
        };
        command.SetAction(parsed => new DecodeCommand(console).Run(
            parsed.GetRequiredValue(file), parsed.GetValue(vxlanPort), parsed.GetValue(count)));
        return command;
    }
}
