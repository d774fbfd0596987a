using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Cli.Api;
using Edge.Cli.Commands.Resources;
using Edge.Host.Trace;

namespace Edge.Cli.Commands.Trace;

/// <summary>
/// <c>edgectl trace FROM TO [--port P[/PROTO]] [--follow] [-n NS] [-o json]</c>: one packet
/// through the boards' real decisions, hop by hop (Packet Tracer's simulation mode on the
/// cluster's own dataplane): FROM a pod (or node/NAME), TO a pod, svc/NAME, node/NAME or an
/// IPv4 address; the pod sends a TCP SYN (or a UDP datagram, or a ping without --port), or with
/// --follow the next packet it sends itself is traced.
/// </summary>
public static class TraceCommand
{
    public static Command Create(CliConsole console)
    {
        var from = new Argument<string>("from") { Description = "The pod the packet leaves (POD or pod/POD in -n's namespace), or node/NAME" };
        ClusterCompletions.Names(from, "Pod");
        var to = new Argument<string>("to") { Description = "Where it goes: POD, svc/NAME, node/NAME or an IPv4 address" };
        var port = new Option<string?>("--port", "-p") { Description = "Port, and /TCP or /UDP (TCP when not said); a Service's port may be its name; none sends a ping" };
        var follow = new Option<bool>("--follow") { Description = "Trace the next packet FROM sends TO itself (e.g. a curl you run with edgectl exec) instead of sending one" };
        var wait = new Option<double?>("--timeout") { Description = "Seconds to wait for the packet and its answer (default 3; 60 with --follow)" };
        var output = new Option<string?>("--output", "-o") { Description = "json: the hops as the API gives them" };
        output.AcceptOnlyFromAmong("json");
        var command = new Command("trace", "Trace one packet hop by hop through the boards' bridge, kube-proxy, policy, routing and VXLAN") { from, to, port, follow, wait, output };
        command.SetAction(async (parsed, cancel) =>
        {
            using ApiClient api = ApiClient.For(parsed);
            bool following = parsed.GetValue(follow);
            if (following)
            {
                console.Err.WriteLine($"waiting for {parsed.GetValue(from)} to send to {parsed.GetValue(to)}; Ctrl+C to stop");
            }

            var request = new TraceRequest(parsed.GetValue(from)!, parsed.GetValue(to)!, parsed.GetValue(port), ResourceArgs.Namespace(parsed), following, parsed.GetValue(wait) ?? 0);
            JsonObject body = JsonSerializer.SerializeToNode(request, TraceJson.Options)!.AsObject();
            JsonObject answer = await api.PostAsync("/edge/v1/traces", body, cancel);
            if (parsed.GetValue(output) == "json")
            {
                console.Out.WriteLine(answer.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                return ExitCodes.Ok;
            }

            TraceResult result = answer.Deserialize<TraceResult>(TraceJson.Options) ?? throw new CliException("the API answered no trace");
            TracePrinter.Print(console, result);
            // A trace shows what happened, a drop too; it failed only when the packet was lost from sight.
            return result.RequestEnded ? ExitCodes.Ok : ExitCodes.Error;
        });
        return command;
    }
}
