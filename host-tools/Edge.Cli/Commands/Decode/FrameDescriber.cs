using Edge.Dataplane.Wire;
using Spectre.Console;

namespace Edge.Cli.Commands.Decode;

/// <summary>
/// Prints one decoded frame as indented lines, outer layers first, inner (VXLAN) layers
/// indented further; a layer that failed says why, as the board's drop counter would.
/// </summary>
public sealed class FrameDescriber(CliConsole console)
{
    public void Describe(int number, PcapRecord record, FrameDecoder d)
    {
        string truncated = record.CapturedLength < record.OriginalLength ? $" (of {record.OriginalLength} on the wire)" : "";
        Line(0, $"[bold]frame {number}[/]: {record.CapturedLength} bytes{truncated}");

        Layer(d, FrameLayer.Ethernet, 1, d.Ethernet.ToString());
        Layer(d, FrameLayer.Arp, 1, d.Arp.ToString());
        Layer(d, FrameLayer.Ipv4, 1, d.Ipv4.ToString());
        Layer(d, FrameLayer.Icmp, 1, d.Icmp.ToString());
        Layer(d, FrameLayer.Udp, 1, d.Udp.ToString());
        Layer(d, FrameLayer.Tcp, 1, d.Tcp.ToString());
        Layer(d, FrameLayer.Vxlan, 1, d.Vxlan.ToString());
        Layer(d, FrameLayer.InnerEthernet, 2, d.InnerEthernet.ToString());
        Layer(d, FrameLayer.InnerArp, 2, d.InnerArp.ToString());
        Layer(d, FrameLayer.InnerIpv4, 2, d.InnerIpv4.ToString());
        Layer(d, FrameLayer.InnerIcmp, 2, d.InnerIcmp.ToString());
        Layer(d, FrameLayer.InnerUdp, 2, d.InnerUdp.ToString());
        Layer(d, FrameLayer.InnerTcp, 2, d.InnerTcp.ToString());

        if (d.Error != WireError.None)
        {
            int depth = d.FailedLayer >= FrameLayer.InnerEthernet ? 2 : 1;
            Line(depth, $"[red]dropped: {FrameLayer.Name(d.FailedLayer)} is {WireErrors.Name(d.Error)}[/]");
        }
    }

    private void Layer(FrameDecoder d, int layer, int depth, string text)
    {
        if (d.Has(layer))
        {
            int space = text.IndexOf(' ');
            string name = space > 0 ? text[..space] : text;
            string rest = space > 0 ? text[space..] : "";
            Line(depth, $"[cyan]{Markup.Escape(name)}[/]{Markup.Escape(rest)}");
        }
    }

    private void Line(int depth, string markup) => console.Styled.MarkupLine(new string(' ', depth * 2) + markup);
}
