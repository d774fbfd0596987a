using System.CommandLine;
using Edge.Cli.Api;
using Edge.Cli.Commands.Resources;
using Edge.Host.Flows;
using Edge.Host.Objects;

namespace Edge.Cli.Commands.Flows;

/// <summary>
/// <c>edgectl flows [NODE|POD] [-f] [--for-service S] [--verdict forwarded|dropped] [-o json]</c>:
/// what the boards decided about connections, in the spirit of `hubble observe`: each new
/// connection to a Service with the endpoint picked, its first reply translated back, policy
/// verdicts with the policy's name, drops with their reason. Every board keeps its own recent
/// events (a WROOM board a few); with -f the next ones follow until Ctrl+C.
/// </summary>
public static class FlowsCommand
{
    private static readonly TimeSpan FollowEvery = TimeSpan.FromSeconds(1);

    public static Command Create(CliConsole console)
    {
        var target = new Argument<string?>("node-or-pod") { Arity = ArgumentArity.ZeroOrOne, Description = "A node (its board's flows) or a pod (flows to and from it); every board when not given" };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing flows as the boards record them, until Ctrl+C" };
        var service = new Option<string?>("--for-service") { Description = "Only flows to or from this Service (NAME in -n's namespace, or NAMESPACE/NAME)" };
        var verdict = new Option<string?>("--verdict") { Description = "Only FORWARDED or DROPPED flows" };
        verdict.AcceptOnlyFromAmong("forwarded", "dropped", "FORWARDED", "DROPPED");
        var output = new Option<string?>("--output", "-o") { Description = "json: one JSON object a flow" };
        output.AcceptOnlyFromAmong("json");
        var command = new Command("flows", "Show what the boards decided about connections: service picks, NAT, policy verdicts, drops (as hubble observe)") { target, follow, service, verdict, output };
        command.SetAction(async (parsed, cancel) =>
        {
            using ApiClient api = ApiClient.For(parsed);
            var query = await FlowQuery.Resolve(api, ResourceArgs.Namespace(parsed), parsed.GetValue(target), parsed.GetValue(service), parsed.GetValue(verdict), cancel);
            bool json = parsed.GetValue(output) == "json";
            var seen = new Dictionary<string, long>();
            while (true)
            {
                var names = new FlowNames(await api.ListAsync(KindInfo.ForKind("Pod")!, null, null, cancel), await api.ListAsync(KindInfo.ForKind("Service")!, null, null, cancel));
                foreach (string node in query.Nodes)
                {
                    long since = seen.GetValueOrDefault(node);
                    DateTime fetched = DateTime.UtcNow;
                    FlowBatch batch;
                    try
                    {
                        batch = FlowBatch.Parse(await api.GetTextAsync($"/api/v1/nodes/{Uri.EscapeDataString(node)}/flows?since={since}", cancel));
                    }
                    catch (Exception e) when (e is ApiException or FormatException && query.Nodes.Count > 1)
                    {
                        console.Warning($"{node}: {e.Message}");
                        continue;
                    }

                    if (batch.RestartedAfter(since))
                    {
                        // The board started again (its count begins anew): read it from its first event next time.
                        console.Warning($"{node}: the board restarted; its flows from before are gone");
                        seen[node] = 0;
                        continue;
                    }

                    if (since > 0 && batch.Oldest > since + 1)
                    {
                        console.Warning($"{node}: {batch.Oldest - since - 1} flows were recorded and let go before they were read (the board keeps {batch.Capacity})");
                    }

                    foreach (FlowEvent e in batch.Events.Where(query.Matches))
                    {
                        DateTime at = batch.TimeOf(e, fetched);
                        console.Out.WriteLine(json ? FlowPrinter.Json(node, at, e, names) : FlowPrinter.Line(node, at, e, names));
                    }

                    seen[node] = batch.Written;
                }

                if (!parsed.GetValue(follow))
                {
                    return ExitCodes.Ok;
                }

                try
                {
                    await Task.Delay(FollowEvery, cancel);
                }
                catch (OperationCanceledException)
                {
                    return ExitCodes.Ok;
                }
            }
        });
        return command;
    }
}
