using System.CommandLine;
using Edge.Cli.Api;
using Edge.Cli.Output;
using Edge.Host.Manifests;

namespace Edge.Cli.Commands.Resources;

/// <summary><c>edgectl apply -f FILE|DIR|-</c>: every object checked first, then applied in order (namespaces first), one line each.</summary>
public static class ApplyCommand
{
    public static Command Create(CliConsole console)
    {
        var files = FilesOption("The manifest(s) to apply: a file, a directory of .yaml/.yml/.json, or - for stdin (repeatable)");
        var command = new Command("apply", "Apply a configuration to a resource by file name or stdin") { files };
        command.SetAction(async (parsed, cancel) =>
        {
            List<ManifestDocument> documents = ManifestFiles.Read(console, parsed.GetValue(files) ?? []);
            using ApiClient api = ApiClient.For(parsed);
            string? ns = parsed.GetValue(GlobalOptions.Namespace);
            foreach (ManifestDocument doc in documents.OrderBy(d => d.Object.Kind == "Namespace" ? 0 : 1))
            {
                if (ns != null && doc.Object.Metadata["namespace"] == null && Host.Objects.KindInfo.ForKind(doc.Object.Kind)?.Namespaced == true)
                {
                    doc.Object.Metadata["namespace"] = ns;
                }

                string outcome = await api.ApplyAsync(doc.Object, cancel);
                console.Out.WriteLine($"{ResourceNames.Of(doc.Object)} {outcome}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    public static Option<string[]> FilesOption(string description) => new("--filename", "-f")
    {
        Description = description,
        AllowMultipleArgumentsPerToken = false,
    };
}
