using System.CommandLine;
using System.Text.Json.Nodes;
using Edge.Cli.Api;
using Edge.Cli.Output;
using Edge.Host.Objects;

namespace Edge.Cli.Commands.Resources;

/// <summary><c>edgectl scale deployment NAME --replicas=N</c> (or <c>deployment/NAME</c>), as kubectl scale: the deployment's replicas set; its controller does the rest.</summary>
public static class ScaleCommand
{
    public static Command Create(CliConsole console)
    {
        var words = new Argument<string[]>("resource") { Description = "deployment NAME, or deployment/NAME", Arity = ArgumentArity.OneOrMore };
        var replicas = new Option<int>("--replicas") { Description = "The number of pods wanted", Required = true };
        var command = new Command("scale", "Set a new size for a deployment") { words, replicas };
        command.SetAction(async (parsed, cancel) =>
        {
            List<(KindInfo Kind, string? Name)> targets = ResourceArgs.Targets(parsed.GetValue(words)!);
            if (targets.Count == 0 || targets.Any(t => t.Name == null || t.Kind.Kind != "Deployment"))
            {
                throw new CliException("scale takes deployments by name: `edgectl scale deployment web --replicas=3`");
            }

            int wanted = parsed.GetValue(replicas);
            if (wanted < 0)
            {
                throw new CliException("--replicas must be 0 or more");
            }

            using ApiClient api = ApiClient.For(parsed);
            foreach ((KindInfo kind, string? name) in targets)
            {
                KubeObject scaled = await api.MergePatchAsync(kind, ResourceArgs.Namespace(parsed), name!, new JsonObject { ["spec"] = new JsonObject { ["replicas"] = wanted } }, cancel);
                console.Out.WriteLine($"{ResourceNames.Of(scaled)} scaled");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
