using System.Globalization;
using System.Text.Json.Serialization;
using Edge.Dataplane.Net;
using Edge.Dataplane.Wire;
using Edge.Host.Flows;

namespace Edge.Host.Trace;

/// <summary>
/// One point a traced packet passed on one board, as the board recorded it (its trace view's
/// "hop" line and the flow events after it): what the point did, the frame's first bytes as
/// the point left them, and the decisions it wrote.
/// </summary>
public sealed record TraceHop
{
    public required string Node { get; init; }

    /// <summary>The board's clock when recorded (milliseconds, 32 bits).</summary>
    public required uint BoardMilliseconds { get; init; }

    /// <summary><see cref="PacketTrace.Bridged"/>, Routed, Encapsulated, Decapsulated or Dropped.</summary>
    public required int Step { get; init; }

    /// <summary>The reply (marked mark + 1), not the request.</summary>
    public required bool Reply { get; init; }

    public required uint A { get; init; }

    public required uint B { get; init; }

    /// <summary>The frame's first bytes (Ethernet onward) as the point left them.</summary>
    public required byte[] Frame { get; init; }

    public IReadOnlyList<FlowEvent> Events { get; init; } = [];

    public string StepName => Step switch
    {
        PacketTrace.Bridged => "bridged",
        PacketTrace.Routed => "routed",
        PacketTrace.Encapsulated => "encapsulated",
        PacketTrace.Decapsulated => "decapsulated",
        PacketTrace.Dropped => "dropped",
        _ => "unknown",
    };

    /// <summary>Routed: where to (<see cref="PacketTrace.ToPod"/>...).</summary>
    [JsonIgnore]
    public int Where => (int)(A & 0xFF);

    /// <summary>Routed: kube-proxy's prerouting verdict.</summary>
    [JsonIgnore]
    public HookVerdict Verdict => (HookVerdict)((A >> 8) & 0xFF);

    /// <summary>Whether the packet's way ends here: delivered to a pod's port, to the node, the egress relay, refused or dropped.</summary>
    [JsonIgnore]
    public bool Ends => Step switch
    {
        PacketTrace.Bridged => B != 0,
        PacketTrace.Routed => Where is PacketTrace.ToNode or PacketTrace.ToEgress,
        PacketTrace.Dropped => true,
        _ => false,
    };

    /// <summary>The IPv4 header's addresses and the ports (TCP/UDP), read from <see cref="Frame"/>; null when it holds none.</summary>
    [JsonIgnore]
    public (string Source, string Destination, int Protocol, int SourcePort, int DestinationPort)? Tuple
    {
        get
        {
            byte[] f = Frame;
            int ip = EthernetFrame.HeaderLength;
            if (f.Length < ip + Ipv4Packet.MinimumHeaderLength || (f[ip] >> 4) != 4)
            {
                return null;
            }

            int protocol = f[ip + 9];
            int l4 = ip + (f[ip] & 0x0F) * 4;
            bool ports = protocol is IpProtocol.Tcp or IpProtocol.Udp && f.Length >= l4 + 4;
            return (Ipv4Address.Format(NetworkOrder.ReadU32(f, ip + 12)), Ipv4Address.Format(NetworkOrder.ReadU32(f, ip + 16)), protocol,
                ports ? (f[l4] << 8) | f[l4 + 1] : 0, ports ? (f[l4 + 2] << 8) | f[l4 + 3] : 0);
        }
    }
}

/// <summary>A board's trace view: the trace's mark, the hops it holds (and lost), its clock, whether it still records.</summary>
public sealed record TraceBatch(int Mark, int Lost, uint BoardNow, bool Armed, IReadOnlyList<TraceHop> Hops)
{
    /// <summary>
    /// Reads a board's TraceView text: "trace MARK HOPS LOST NOW armed|done", then "hop MS STEP
    /// request|reply A B HEX" lines, each followed by its flow events' lines. Empty text is a
    /// board with no trace. A line it cannot read is an error naming it.
    /// </summary>
    public static TraceBatch Parse(string node, string text)
    {
        string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0)
        {
            return new TraceBatch(0, 0, 0, false, []);
        }

        string[] header = lines[0].Split(' ');
        if (header.Length != 6 || header[0] != "trace"
            || !int.TryParse(header[1], CultureInfo.InvariantCulture, out int mark)
            || !int.TryParse(header[3], CultureInfo.InvariantCulture, out int lost)
            || !uint.TryParse(header[4], CultureInfo.InvariantCulture, out uint now))
        {
            throw new FormatException($"not a trace view: \"{lines[0]}\"");
        }

        var hops = new List<TraceHop>();
        var events = new List<FlowEvent>();
        foreach (string line in lines.Skip(1))
        {
            if (!line.StartsWith("hop ", StringComparison.Ordinal))
            {
                events.Add(FlowBatch.ParseEvent(line));
                if (hops.Count > 0)
                {
                    hops[^1] = hops[^1] with { Events = events.ToArray() };
                }

                continue;
            }

            events.Clear();
            string[] w = line.Split(' ');
            if (w.Length != 7 || !uint.TryParse(w[1], CultureInfo.InvariantCulture, out uint ms) || !int.TryParse(w[2], CultureInfo.InvariantCulture, out int step)
                || w[3] is not ("request" or "reply") || !uint.TryParse(w[4], CultureInfo.InvariantCulture, out uint a)
                || !uint.TryParse(w[5], CultureInfo.InvariantCulture, out uint b) || w[6].Length % 2 != 0)
            {
                throw new FormatException($"not a trace hop: \"{line}\"");
            }

            hops.Add(new TraceHop { Node = node, BoardMilliseconds = ms, Step = step, Reply = w[3] == "reply", A = a, B = b, Frame = Convert.FromHexString(w[6]) });
        }

        return new TraceBatch(mark, lost, now, header[5] == "armed", hops);
    }
}
