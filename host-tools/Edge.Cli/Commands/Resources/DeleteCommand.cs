using System.CommandLine;
using Edge.Cli.Api;
using Edge.Cli.Output;
using Edge.Host.Manifests;
using Edge.Host.Objects;

namespace Edge.Cli.Commands.Resources;

/// <summary><c>edgectl delete TYPE NAME... | TYPE -l SELECTOR | TYPE --all | -f FILE</c>, printing `kind "name" deleted` as kubectl does.</summary>
public static class DeleteCommand
{
    public static Command Create(CliConsole console)
    {
        var words = new Argument<string[]>("resources") { Description = "TYPE NAME... or TYPE/NAME...", Arity = ArgumentArity.ZeroOrMore };
        ClusterCompletions.ResourceTypesAndNames(words);
        var files = ApplyCommand.FilesOption("Delete what these manifests describe");
        var selector = new Option<string?>("--selector", "-l") { Description = "Delete the objects of TYPE that match" };
        var all = new Option<bool>("--all") { Description = "Delete every object of TYPE in the namespace" };
        var ignoreNotFound = new Option<bool>("--ignore-not-found") { Description = "Treat \"not found\" as deleted" };
        var command = new Command("delete", "Delete resources by file names, stdin, resources and names, or by resources and label selector")
        {
            words, files, selector, all, ignoreNotFound,
        };
        command.SetAction(async (parsed, cancel) =>
        {
            using ApiClient api = ApiClient.For(parsed);
            string ns = ResourceArgs.Namespace(parsed);
            var targets = new List<(KindInfo Kind, string Namespace, string Name)>();
            string[] fileArgs = parsed.GetValue(files) ?? [];
            string[] wordArgs = parsed.GetValue(words) ?? [];
            if (fileArgs.Length > 0)
            {
                foreach (ManifestDocument doc in ManifestFiles.Read(console, fileArgs))
                {
                    KindInfo kind = KindInfo.ForKind(doc.Object.Kind)!;
                    targets.Add((kind, kind.Namespaced ? (doc.Object.Metadata["namespace"] is null ? ns : doc.Object.Namespace) : "", doc.Object.Name));
                }
            }
            else if (wordArgs.Length == 0)
            {
                throw new CliException("you must provide one or more resources by argument or filename, e.g. `edgectl delete pod web` or `edgectl delete -f web.yaml`");
            }
            else
            {
                List<(KindInfo Kind, string? Name)> named = ResourceArgs.Targets(wordArgs);
                string? sel = parsed.GetValue(selector);
                if (named.Any(t => t.Name == null))
                {
                    if (sel == null && !parsed.GetValue(all))
                    {
                        throw new CliException("resource(s) were provided, but no name was specified (give names, -l SELECTOR or --all)");
                    }

                    foreach (KindInfo kind in named.Select(t => t.Kind).Distinct())
                    {
                        targets.AddRange((await api.ListAsync(kind, kind.Namespaced ? ns : null, sel, cancel))
                            .Select(o => (kind, o.Namespace, o.Name)));
                    }
                }
                else
                {
                    targets.AddRange(named.Select(t => (t.Kind, t.Kind.Namespaced ? ns : "", t.Name!)));
                }
            }

            int exit = ExitCodes.Ok;
            foreach ((KindInfo kind, string objectNs, string name) in targets)
            {
                try
                {
                    await api.DeleteAsync(kind, objectNs, name, cancel);
                    console.Out.WriteLine($"{ResourceNames.Qualified(kind.Kind)} \"{name}\" deleted");
                }
                catch (ApiException e) when (e.Code == 404)
                {
                    if (!parsed.GetValue(ignoreNotFound))
                    {
                        console.Error(e.Message);
                        exit = ExitCodes.Error;
                    }
                }
            }

            if (targets.Count == 0)
            {
                console.Err.WriteLine("No resources found");
            }

            return exit;
        });
        return command;
    }
}
