using Edge.Host.Printing;
using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Cli.Api;
using Edge.Cli.Output;
using Edge.Host.Objects;

namespace Edge.Cli.Commands.Resources;

/// <summary><c>edgectl get TYPE [NAME...] [-o wide|json|yaml|name|jsonpath=TEMPLATE|custom-columns=SPEC] [-A] [-l SELECTOR] [--no-headers]</c>, as kubectl get.</summary>
public static class GetCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create(CliConsole console)
    {
        var words = new Argument<string[]>("resources") { Description = "TYPE [NAME...] or TYPE/NAME...: nodes, pods, deployments, services, endpoints, events, ...", Arity = ArgumentArity.ZeroOrMore };
        ClusterCompletions.ResourceTypesAndNames(words);
        var output = Output();
        var all = new Option<bool>("--all-namespaces", "-A") { Description = "List across all namespaces" };
        var selector = new Option<string?>("--selector", "-l") { Description = "Label selector, e.g. app=web or 'tier in (a,b)'" };
        var watch = new Option<bool>("--watch", "-w") { Description = "After listing, print each change as it happens (Ctrl+C stops)" };
        var noHeaders = new Option<bool>("--no-headers") { Description = "Print the table without its header line" };
        var showLabels = new Option<bool>("--show-labels") { Description = "Add a LABELS column with every label" };
        var labelColumns = new Option<string[]>("--label-columns", "-L") { Description = "A column per label key (-L app -L tier, or -L app,tier)", AllowMultipleArgumentsPerToken = false };
        var showManagedFields = new Option<bool>("--show-managed-fields") { Description = "With -o json|yaml, keep metadata.managedFields (server-side apply's field managers)" };
        var command = new Command("get", "Display one or many resources") { words, output, all, selector, watch, noHeaders, showLabels, labelColumns, showManagedFields };
        command.SetAction(async (parsed, cancel) =>
        {
            var columns = new Shown(parsed.GetValue(showLabels), (parsed.GetValue(labelColumns) ?? []).SelectMany(l => l.Split(',', StringSplitOptions.RemoveEmptyEntries)).ToArray(),
                parsed.GetValue(showManagedFields));
            return parsed.GetValue(watch)
                ? await WatchAsync(console, parsed, parsed.GetValue(words) ?? [], parsed.GetValue(output), parsed.GetValue(all), parsed.GetValue(selector), parsed.GetValue(noHeaders), columns, cancel)
                : await RunAsync(console, parsed, parsed.GetValue(words) ?? [], parsed.GetValue(output), parsed.GetValue(all), parsed.GetValue(selector), parsed.GetValue(noHeaders), columns, cancel);
        });
        return command;
    }

    public static Option<string?> Output() => new("--output", "-o")
    {
        Description = "Output format: wide, json, yaml, name, jsonpath=TEMPLATE (e.g. jsonpath='{.items[*].metadata.name}'), custom-columns=NAME:.metadata.name,... or custom-columns-file=FILE",
        Validators =
        {
            result =>
            {
                string? value = result.Tokens.FirstOrDefault()?.Value;
                if (value is not (null or "wide" or "json" or "yaml" or "name")
                    && value?.StartsWith("jsonpath=", StringComparison.Ordinal) != true
                    && value?.StartsWith("custom-columns=", StringComparison.Ordinal) != true
                    && value?.StartsWith("custom-columns-file=", StringComparison.Ordinal) != true)
                {
                    result.AddError($"unable to match a printer suitable for the output format \"{value}\", allowed formats are: custom-columns,custom-columns-file,json,jsonpath,name,wide,yaml");
                }
            },
        },
    };

    private static async Task<int> RunAsync(CliConsole console, ParseResult parsed, string[] words, string? format, bool allNamespaces, string? selector, bool noHeaders, Shown extra,
        CancellationToken cancel)
    {
        List<(KindInfo Kind, string? Name)> targets = ResourceArgs.Targets(words);
        string ns = ResourceArgs.Namespace(parsed);
        using ApiClient api = ApiClient.For(parsed);
        var found = new List<KubeObject>();
        foreach (var group in targets.GroupBy(t => t.Kind))
        {
            if (group.All(t => t.Name == null))
            {
                found.AddRange(Sorted(await api.ListAsync(group.Key, group.Key.Namespaced && !allNamespaces ? ns : null, selector, cancel)));
            }
            else
            {
                foreach ((KindInfo kind, string? name) in group)
                {
                    found.Add(new KubeObject(await api.GetAsync(Host.Api.ResourcePath.For(kind, kind.Namespaced ? ns : null, name), cancel)));
                }
            }
        }

        found = found.Select(extra.Printed).ToList();
        bool single = targets.Count == 1 && targets[0].Name != null;
        switch (format)
        {
            case "json":
                console.Out.WriteLine((single ? found[0].Json : AsList(found)).ToJsonString(Indented));
                return ExitCodes.Ok;
            case "yaml":
                console.Out.Write(YamlOutput.Write(single ? found[0].Json : AsList(found)));
                return ExitCodes.Ok;
            case "name":
                found.ForEach(o => console.Out.WriteLine(ResourceNames.Of(o)));
                return ExitCodes.Ok;
            case not null when format.StartsWith("jsonpath=", StringComparison.Ordinal):
                console.Out.Write(JsonPath(format, single ? found[0].Json : AsList(found)));
                return ExitCodes.Ok;
            case not null when format.StartsWith("custom-columns", StringComparison.Ordinal) && found.Count > 0:
                CustomColumns columns = Columns(format);
                TextTable.Write(console.Out, columns.Headers, found.Select(o => (IReadOnlyList<string>)columns.Cells(o.Json)), withHeaders: !noHeaders);
                return ExitCodes.Ok;
        }

        if (found.Count == 0)
        {
            console.Err.WriteLine(targets.Any(t => t.Kind.Namespaced) && !allNamespaces ? $"No resources found in {ns} namespace." : "No resources found");
            return ExitCodes.Ok;
        }

        bool wide = format == "wide";
        bool prefixKind = targets.Select(t => t.Kind).Distinct().Count() > 1;
        bool first = true;
        foreach (var kindGroup in found.GroupBy(o => o.Kind))
        {
            if (!first)
            {
                console.Out.WriteLine();
            }

            first = false;
            ResourceColumns.Table table = ResourceColumns.For(kindGroup.Key);
            bool withNamespace = allNamespaces && KindInfo.ForKind(kindGroup.Key)?.Namespaced == true;
            DateTime now = DateTime.UtcNow;
            TextTable.Write(console.Out, extra.Headers(table.HeaderLine(withNamespace, wide)),
                kindGroup.Select(o => (IReadOnlyList<string>)extra.Cells(o, table.Line(o, now, withNamespace, wide, prefixKind ? ResourceNames.Of(o) : null))), withHeaders: !noHeaders);
        }

        return ExitCodes.Ok;
    }

    /// <summary>
    /// `get TYPE -w`: the table, then a row for every change, in the same columns, as kubectl
    /// prints them (-o name and -o json print one name or object per change instead).
    /// </summary>
    private static async Task<int> WatchAsync(CliConsole console, ParseResult parsed, string[] words, string? format, bool allNamespaces, string? selector, bool noHeaders, Shown extra,
        CancellationToken cancel)
    {
        List<(KindInfo Kind, string? Name)> targets = ResourceArgs.Targets(words);
        if (targets.Select(t => t.Kind).Distinct().Count() != 1 || targets.Any(t => t.Name != null))
        {
            throw new CliException("watch is only supported on one resource type, without names: `edgectl get pods -w`");
        }

        KindInfo kind = targets[0].Kind;
        string? ns = kind.Namespaced && !allNamespaces ? ResourceArgs.Namespace(parsed) : null;
        using ApiClient api = ApiClient.For(parsed);
        (List<KubeObject> items, string version) = await api.ListForWatchAsync(kind, ns, selector, cancel);
        ResourceColumns.Table table = ResourceColumns.For(kind.Kind);
        bool wide = format == "wide";
        bool withNamespace = allNamespaces && kind.Namespaced;
        string[] Row(KubeObject o) => extra.Cells(o, table.Line(o, DateTime.UtcNow, withNamespace, wide));
        string[] headers = extra.Headers(table.HeaderLine(withNamespace, wide));
        var rows = Sorted(items).Select(Row).ToList();
        int[] widths = headers.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        void Print(string[] cells) => console.Out.WriteLine(string.Join("   ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd());
        if (format is null or "wide")
        {
            if (!noHeaders)
            {
                Print(headers);
            }

            rows.ForEach(Print);
        }

        console.Out.Flush();
        // Ctrl+C ends the watch, not the process (System.CommandLine leaves signals to the commands: EdgeCli.RunAsync).
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        ConsoleCancelEventHandler onCtrlC = (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCtrlC;
        try
        {
            await api.WatchAsync(kind, ns, selector, version, (type, obj) =>
            {
                obj = extra.Printed(obj);
                switch (format)
                {
                    case "name":
                        console.Out.WriteLine(ResourceNames.Of(obj));
                        break;
                    case "json":
                        console.Out.WriteLine(obj.Json.ToJsonString());
                        break;
                    case "yaml":
                        console.Out.Write("---\n" + YamlOutput.Write(obj.Json));
                        break;
                    case not null when format.StartsWith("jsonpath=", StringComparison.Ordinal):
                        console.Out.Write(JsonPath(format, obj.Json));
                        break;
                    default:
                        Print(Row(obj));
                        break;
                }

                console.Out.Flush();
            }, stop.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCtrlC;
        }

        return ExitCodes.Ok;
    }

    /// <summary>Columns kubectl adds from labels: one per `-L` key (uppercased, as kubectl heads them), then LABELS with --show-labels.</summary>
    /// <summary>What a get shows beyond the kind's columns: labels, label columns, and (with -o json|yaml) the managedFields kubectl hides too.</summary>
    private sealed record Shown(bool ShowLabels, string[] LabelKeys, bool ManagedFields)
    {
        /// <summary>The object as printed: without metadata.managedFields unless asked, as kubectl prints it.</summary>
        public KubeObject Printed(KubeObject o)
        {
            if (!ManagedFields && o.Metadata.ContainsKey("managedFields"))
            {
                o.Metadata.Remove("managedFields");
            }

            return o;
        }

        public string[] Headers(string[] headers) =>
            headers.Concat(LabelKeys.Select(k => k.ToUpperInvariant())).Concat(ShowLabels ? ["LABELS"] : Array.Empty<string>()).ToArray();

        public string[] Cells(KubeObject o, string[] cells)
        {
            JsonObject? labels = o.Metadata["labels"] as JsonObject;
            IEnumerable<string> byKey = LabelKeys.Select(k => (string?)labels?[k] ?? "");
            IEnumerable<string> all = ShowLabels
                ? [labels is { Count: > 0 } ? string.Join(",", labels.Select(l => $"{l.Key}={(string?)l.Value}")) : "<none>"]
                : [];
            return cells.Concat(byKey).Concat(all).ToArray();
        }
    }

    /// <summary>`-o custom-columns=SPEC` or `-o custom-columns-file=FILE`.</summary>
    private static CustomColumns Columns(string format)
    {
        try
        {
            if (format.StartsWith("custom-columns-file=", StringComparison.Ordinal))
            {
                string file = format["custom-columns-file=".Length..];
                return CustomColumns.ParseFile(File.Exists(file) ? File.ReadAllText(file) : throw new CliException($"error reading template {file}: it does not exist"));
            }

            return CustomColumns.Parse(format["custom-columns=".Length..]);
        }
        catch (FormatException e)
        {
            throw new CliException(e.Message);
        }
    }

    /// <summary>`-o jsonpath=TEMPLATE` (quotes around the template are taken off, as a shell would have).</summary>
    private static string JsonPath(string format, JsonNode root)
    {
        string template = format["jsonpath=".Length..];
        if (template.Length >= 2 && template[0] == template[^1] && template[0] is '\'' or '"')
        {
            template = template[1..^1];
        }

        try
        {
            return JsonPathTemplate.Evaluate(template, root);
        }
        catch (FormatException e)
        {
            throw new CliException($"error parsing jsonpath {template}: {e.Message}");
        }
    }

    /// <summary>Events by time (as `kubectl get events` reads best), everything else by namespace and name.</summary>
    private static IEnumerable<KubeObject> Sorted(List<KubeObject> items) => items.FirstOrDefault()?.Kind == "Event"
        ? items.OrderBy(e => (string?)e.Json["lastTimestamp"] ?? "", StringComparer.Ordinal)
        : items.OrderBy(o => o.Namespace, StringComparer.Ordinal).ThenBy(o => o.Name, StringComparer.Ordinal);

    private static JsonObject AsList(List<KubeObject> items) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "List",
        ["items"] = new JsonArray(items.Select(o => (JsonNode)o.Json.DeepClone()).ToArray()),
        ["metadata"] = new JsonObject { ["resourceVersion"] = "" },
    };
}
