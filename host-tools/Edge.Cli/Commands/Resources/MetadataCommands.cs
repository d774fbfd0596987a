using System.CommandLine;
using System.Text.Json.Nodes;
using Edge.Cli.Api;
using Edge.Cli.Output;
using Edge.Host.Objects;

namespace Edge.Cli.Commands.Resources;

/// <summary>
/// <c>edgectl label</c> and <c>edgectl annotate</c>, as kubectl's: <c>TYPE NAME KEY=VALUE ...
/// KEY-</c> (or <c>-l SELECTOR</c> for every match); a key that has another value is changed only
/// with <c>--overwrite</c>; each object changed by one JSON merge patch.
/// </summary>
public static class MetadataCommands
{
    public static Command Label(CliConsole console) => Create(console, "label", "labels", "labeled", "Update the labels on a resource");

    public static Command Annotate(CliConsole console) => Create(console, "annotate", "annotations", "annotated", "Update the annotations on a resource");

    private static Command Create(CliConsole console, string verb, string field, string done, string description)
    {
        var words = new Argument<string[]>("args") { Description = "TYPE NAME KEY=VALUE ... KEY- (or TYPE KEY=VALUE with -l)", Arity = ArgumentArity.OneOrMore };
        var selector = new Option<string?>("--selector", "-l") { Description = "Every object of TYPE that matches" };
        var overwrite = new Option<bool>("--overwrite") { Description = "Change a key that already has another value" };
        var command = new Command(verb, description) { words, selector, overwrite };
        command.SetAction(async (parsed, cancel) =>
        {
            string[] args = parsed.GetValue(words)!;
            string? labels = parsed.GetValue(selector);
            KindInfo kind;
            string[] names;
            string[] changes;
            if (args[0].Contains('/'))
            {
                kind = ResourceArgs.Kind(args[0][..args[0].IndexOf('/')]);
                names = [args[0][(args[0].IndexOf('/') + 1)..]];
                changes = args[1..];
            }
            else
            {
                kind = ResourceArgs.Kind(args[0]);
                names = labels == null ? args.Skip(1).TakeWhile(a => !a.Contains('=') && !a.EndsWith('-')).ToArray() : [];
                changes = args.Skip(1 + names.Length).ToArray();
            }

            if ((names.Length == 0) == (labels == null) || changes.Length == 0)
            {
                throw new CliException($"one or more resources must be specified, with at least one change: `edgectl {verb} pod client tier=front` (KEY- removes a key)");
            }

            var set = new Dictionary<string, string>();
            var remove = new List<string>();
            foreach (string change in changes)
            {
                int equals = change.IndexOf('=');
                if (equals > 0)
                {
                    set[change[..equals]] = change[(equals + 1)..];
                }
                else if (change.EndsWith('-') && change.Length > 1)
                {
                    remove.Add(change[..^1]);
                }
                else
                {
                    throw new CliException($"invalid {(verb == "label" ? "label" : "annotation")} spec: {change}, expected KEY=VALUE or KEY-");
                }
            }

            using ApiClient api = ApiClient.For(parsed);
            string ns = ResourceArgs.Namespace(parsed);
            List<KubeObject> targets = labels != null
                ? await api.ListAsync(kind, kind.Namespaced ? ns : null, labels, cancel)
                : [.. await Task.WhenAll(names.Select(async n => new KubeObject(await api.GetAsync(Host.Api.ResourcePath.For(kind, kind.Namespaced ? ns : null, n), cancel))))];
            foreach (KubeObject target in targets)
            {
                JsonObject? current = target.Metadata[field] as JsonObject;
                foreach ((string key, string value) in set)
                {
                    if (current?[key] is JsonNode old && (string?)old != value && !parsed.GetValue(overwrite))
                    {
                        throw new CliException($"'{key}' already has a value ({(string?)old}), and --overwrite is false");
                    }
                }

                var patch = new JsonObject();
                foreach ((string key, string value) in set)
                {
                    if ((string?)current?[key] != value)
                    {
                        patch[key] = value;
                    }
                }

                foreach (string key in remove.Where(k => current?[k] != null))
                {
                    patch[key] = null;
                }

                if (patch.Count == 0)
                {
                    console.Out.WriteLine($"{ResourceNames.Of(target)} not {done}");
                    continue;
                }

                bool onlyRemoved = patch.All(p => p.Value is null);
                await api.MergePatchAsync(kind, target.Namespace, target.Name, new JsonObject { ["metadata"] = new JsonObject { [field] = patch } }, cancel);
                console.Out.WriteLine($"{ResourceNames.Of(target)} {(onlyRemoved && verb == "label" ? "unlabeled" : done)}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
