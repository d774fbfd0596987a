using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Edge.Cli.Api;
using Edge.Cli.Output;
using Edge.Host.Objects;

namespace Edge.Cli.Commands.Resources;

/// <summary>
/// <c>edgectl rollout status deployment/NAME</c> (waits, saying what the rollout waits for, in
/// kubectl's words, until every replica is new and available) and <c>edgectl rollout restart
/// deployment/NAME</c> (new pods for the same template, by the annotation kubectl sets),
/// <c>edgectl rollout history deployment/NAME [--revision N]</c> and <c>edgectl rollout undo
/// deployment/NAME [--to-revision N]</c> (the deployment's ReplicaSets, read and put back as
/// kubectl does: <see cref="RolloutHistory"/>).
/// </summary>
public static class RolloutCommand
{
    public static Command Create(CliConsole console)
    {
        var statusTarget = new Argument<string[]>("resource") { Description = "deployment NAME, or deployment/NAME", Arity = ArgumentArity.OneOrMore };
        var timeout = new Option<TimeSpan?>("--timeout") { Description = "Give up after this long (e.g. 2m; default: wait until done)", CustomParser = r => Duration(r.Tokens[0].Value) };
        var status = new Command("status", "Show the status of a rollout, until it is done") { statusTarget, timeout };
        status.SetAction(async (parsed, cancel) =>
        {
            (KindInfo kind, string name) = Deployment(parsed.GetValue(statusTarget)!);
            using ApiClient api = ApiClient.For(parsed);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            if (parsed.GetValue(timeout) is TimeSpan within)
            {
                limit.CancelAfter(within);
            }

            string? said = null;
            try
            {
                while (true)
                {
                    var deployment = new KubeObject(await api.GetAsync(Host.Api.ResourcePath.For(kind, ResourceArgs.Namespace(parsed), name), limit.Token));
                    (bool done, string message) = Progress(deployment);
                    if (message != said)
                    {
                        console.Out.WriteLine(message);
                        console.Out.Flush();
                        said = message;
                    }

                    if (done)
                    {
                        return ExitCodes.Ok;
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(500), limit.Token);
                }
            }
            catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
            {
                throw new CliException("timed out waiting for the condition");
            }
        });

        var restartTarget = new Argument<string[]>("resource") { Description = "deployment NAME, or deployment/NAME", Arity = ArgumentArity.OneOrMore };
        var restart = new Command("restart", "Replace a deployment's pods with new ones") { restartTarget };
        restart.SetAction(async (parsed, cancel) =>
        {
            (KindInfo kind, string name) = Deployment(parsed.GetValue(restartTarget)!);
            using ApiClient api = ApiClient.For(parsed);
            string now = DateTime.Now.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture); // kubectl's: local time, RFC 3339
            var patch = new JsonObject
            {
                ["spec"] = new JsonObject { ["template"] = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { ["kubectl.kubernetes.io/restartedAt"] = now } } } },
            };
            KubeObject restarted = await api.MergePatchAsync(kind, ResourceArgs.Namespace(parsed), name, patch, cancel);
            console.Out.WriteLine($"{ResourceNames.Of(restarted)} restarted");
            return ExitCodes.Ok;
        });

        var historyTarget = new Argument<string[]>("resource") { Description = "deployment NAME, or deployment/NAME", Arity = ArgumentArity.OneOrMore };
        var revision = new Option<long>("--revision") { Description = "Show this revision's pod template" };
        var history = new Command("history", "Show a deployment's revisions") { historyTarget, revision };
        history.SetAction(async (parsed, cancel) =>
        {
            (KindInfo kind, string name) = Deployment(parsed.GetValue(historyTarget)!);
            using ApiClient api = ApiClient.For(parsed);
            var deployment = new KubeObject(await api.GetAsync(Host.Api.ResourcePath.For(kind, ResourceArgs.Namespace(parsed), name), cancel));
            RolloutHistory.Print(console.Out, deployment, await RolloutHistory.RevisionsAsync(api, deployment, cancel), parsed.GetValue(revision));
            return ExitCodes.Ok;
        });

        var undoTarget = new Argument<string[]>("resource") { Description = "deployment NAME, or deployment/NAME", Arity = ArgumentArity.OneOrMore };
        var toRevision = new Option<long>("--to-revision") { Description = "The revision to go back to (default: the one before the current)" };
        var undo = new Command("undo", "Go back to an earlier revision of a deployment") { undoTarget, toRevision };
        undo.SetAction(async (parsed, cancel) =>
        {
            (KindInfo kind, string name) = Deployment(parsed.GetValue(undoTarget)!);
            using ApiClient api = ApiClient.For(parsed);
            string ns = ResourceArgs.Namespace(parsed);
            var deployment = new KubeObject(await api.GetAsync(Host.Api.ResourcePath.For(kind, ns, name), cancel));
            long wanted = parsed.GetValue(toRevision);
            KubeObject target = RolloutHistory.Target(deployment, await RolloutHistory.RevisionsAsync(api, deployment, cancel), wanted);
            if ((bool?)deployment.Spec?["paused"] == true)
            {
                throw new CliException($"you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/{name}' and try again");
            }

            if (RolloutHistory.IsCurrent(deployment, target))
            {
                console.Out.WriteLine($"{ResourceNames.Of(deployment)} skipped rollback (current template already matches revision {wanted})");
                return ExitCodes.Ok;
            }

            KubeObject rolledBack = await api.JsonPatchAsync(kind, ns, name, RolloutHistory.UndoPatch(deployment, target), cancel);
            console.Out.WriteLine($"{ResourceNames.Of(rolledBack)} rolled back");
            return ExitCodes.Ok;
        });

        return new Command("rollout", "Manage the rollout of a deployment") { status, restart, history, undo };
    }

    /// <summary>Where a deployment's rollout is, as kubectl rollout status says it (its DeploymentStatusViewer's words).</summary>
    public static (bool Done, string Message) Progress(KubeObject deployment)
    {
        long generation = (long?)deployment.Metadata["generation"] ?? 1;
        JsonNode? status = deployment.Json["status"];
        long observed = (long?)status?["observedGeneration"] ?? 0;
        string name = deployment.Name;
        if (generation > observed)
        {
            return (false, "Waiting for deployment spec update to be observed...");
        }

        long wanted = (long?)deployment.Spec?["replicas"] ?? 1;
        long replicas = (long?)status?["replicas"] ?? 0;
        long updated = (long?)status?["updatedReplicas"] ?? 0;
        long available = (long?)status?["availableReplicas"] ?? 0;
        if (updated < wanted)
        {
            return (false, $"Waiting for deployment \"{name}\" rollout to finish: {updated} out of {wanted} new replicas have been updated...");
        }

        if (replicas > updated)
        {
            return (false, $"Waiting for deployment \"{name}\" rollout to finish: {replicas - updated} old replicas are pending termination...");
        }

        if (available < updated)
        {
            return (false, $"Waiting for deployment \"{name}\" rollout to finish: {available} of {updated} updated replicas are available...");
        }

        return (true, $"deployment \"{name}\" successfully rolled out");
    }

    private static (KindInfo Kind, string Name) Deployment(string[] words)
    {
        List<(KindInfo Kind, string? Name)> targets = ResourceArgs.Targets(words);
        if (targets.Count != 1 || targets[0].Name == null || targets[0].Kind.Kind != "Deployment")
        {
            throw new CliException("rollout works on one deployment: `edgectl rollout status deployment/web`");
        }

        return (targets[0].Kind, targets[0].Name!);
    }

    private static TimeSpan? Duration(string text)
    {
        if (text.Length > 1 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double n))
        {
            switch (text[^1])
            {
                case 's': return TimeSpan.FromSeconds(n);
                case 'm': return TimeSpan.FromMinutes(n);
                case 'h': return TimeSpan.FromHours(n);
            }
        }

        throw new CliException($"invalid --timeout {text}: give a duration such as 90s, 2m or 1h");
    }
}
