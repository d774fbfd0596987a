using System.Text.Json.Nodes;
using Edge.Cli.Output;
using Edge.Dataplane.Wire;

namespace Edge.Cli.Commands.Policy;

/// <summary>
/// A matrix in the layout of the upstream network policy e2e suite's truth tables (a "-" in
/// the corner, destinations across, sources down, "." connected, "X" blocked), in kubectl's
/// table spacing, then a summary, a legend of the marks that appear, and the pods left out:
/// <code>
/// -     x/a   x/b   y/a   y/b
/// x/a   .     .     X     X
/// x/b   .     .     X     X
/// y/a   .     .     .     X
/// y/b   .     .     X     .
///
/// 16 probes: 10 connected, 6 blocked
/// TCP 80, sources down, destinations across: "." connected, "X" blocked (no connection within 1 s)
/// skipped, not Running or no IP: x/c (Pending)
/// </code>
/// "R" marks a refused connection (through the network, but nothing listens on the port), "?"
/// a probe that could not run; with --expect, "!" after a mark says `policy check` computes
/// the opposite.
/// </summary>
public static class PolicyMatrixPrinter
{
    public static void WriteText(TextWriter o, ReachabilityMatrix matrix)
    {
        var headers = new List<string> { "-" };
        headers.AddRange(matrix.Pods.Select(p => p.Label));
        var rows = matrix.Pods.Select(from => (IReadOnlyList<string>)[from.Label, .. matrix.Pods.Select(to => Mark(matrix.Cell(from, to)))]);
        TextTable.Write(o, headers, rows);
        o.WriteLine();
        o.WriteLine(Summary(matrix));
        o.WriteLine(Legend(matrix));
        if (matrix.Skipped.Count > 0)
        {
            o.WriteLine("skipped, not Running or no IP: " + string.Join(", ", matrix.Skipped.Select(s => $"{s.Label} ({s.Reason})")));
        }
    }

    /// <summary>".", "X", "R" or "?", and "!" after it when the computation says otherwise.</summary>
    public static string Mark(MatrixCell? cell)
    {
        string mark = cell?.Result.Outcome switch
        {
            ProbeOutcome.Connected => ".",
            ProbeOutcome.Blocked => "X",
            ProbeOutcome.Refused => "R",
            _ => "?",
        };
        return cell is { Differs: true } ? mark + "!" : mark;
    }

    /// <summary>"81 probes: 70 connected, 11 blocked", with refused and failed probes when there are any, and the differences with --expect.</summary>
    public static string Summary(ReachabilityMatrix matrix)
    {
        string text = $"{matrix.Cells.Count} probes: {matrix.Count(ProbeOutcome.Connected)} connected, {matrix.Count(ProbeOutcome.Blocked)} blocked";
        foreach ((ProbeOutcome outcome, string word) in new[] { (ProbeOutcome.Refused, "refused"), (ProbeOutcome.Failed, "failed") })
        {
            int count = matrix.Count(outcome);
            text += count > 0 ? $", {count} {word}" : "";
        }

        return matrix.Expecting ? $"{text}; {matrix.Differing} differ from policy check" : text;
    }

    public static string Legend(ReachabilityMatrix matrix)
    {
        PortArgument port = matrix.Port;
        var marks = new List<string>(port.Protocol == IpProtocol.Udp
            ? ["\".\" answered", $"\"X\" no answer within {matrix.TimeoutSeconds} s (blocked, or nothing answers on the port)"]
            : ["\".\" connected", $"\"X\" blocked (no connection within {matrix.TimeoutSeconds} s)"]);
        if (matrix.Count(ProbeOutcome.Refused) > 0)
        {
            marks.Add("\"R\" refused (through the network, but nothing listens on the port)");
        }

        if (matrix.Count(ProbeOutcome.Failed) > 0)
        {
            marks.Add("\"?\" the probe could not run (see the errors)");
        }

        if (matrix.Expecting)
        {
            marks.Add(port.Protocol == IpProtocol.Udp
                ? "\"!\" after a mark: policy check computes the opposite (\"X\" is not compared: no answer may mean nothing answers)"
                : "\"!\" after a mark: policy check computes the opposite");
        }

        return $"{port}, sources down, destinations across: {string.Join(", ", marks)}";
    }

    public static JsonObject ToJson(ReachabilityMatrix matrix)
    {
        var json = new JsonObject
        {
            ["protocol"] = matrix.Port.ProtocolName,
            ["port"] = (int)matrix.Port.Port,
            ["timeoutSeconds"] = matrix.TimeoutSeconds,
            ["pods"] = new JsonArray(matrix.Pods.Select(p => (JsonNode)new JsonObject
            {
                ["namespace"] = p.Namespace,
                ["name"] = p.Name,
                ["ip"] = Ipv4Address.Format(p.Address),
                ["node"] = p.Node,
            }).ToArray()),
            ["cells"] = new JsonArray(matrix.Cells.Select(c => (JsonNode)CellJson(c)).ToArray()),
            ["probes"] = matrix.Cells.Count,
            ["connected"] = matrix.Count(ProbeOutcome.Connected),
            ["blocked"] = matrix.Count(ProbeOutcome.Blocked),
            ["refused"] = matrix.Count(ProbeOutcome.Refused),
            ["failed"] = matrix.Count(ProbeOutcome.Failed),
        };
        if (matrix.Expecting)
        {
            json["differing"] = matrix.Differing;
        }

        json["skipped"] = new JsonArray(matrix.Skipped.Select(s => (JsonNode)new JsonObject { ["pod"] = s.Label, ["reason"] = s.Reason }).ToArray());
        return json;
    }

    private static JsonObject CellJson(MatrixCell cell)
    {
        var json = new JsonObject
        {
            ["from"] = cell.From.Label,
            ["to"] = cell.To.Label,
            ["result"] = cell.Result.Outcome.ToString().ToLowerInvariant(),
            ["mark"] = Mark(cell),
        };
        if (cell.Result.Detail.Length > 0)
        {
            json["detail"] = cell.Result.Detail;
        }

        if (cell.Expected is bool allowed)
        {
            json["expected"] = allowed ? "allowed" : "denied";
            json["differs"] = cell.Differs;
        }

        return json;
    }
}
