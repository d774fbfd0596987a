using System.CommandLine;
using System.CommandLine.Completions;
using Edge.Cli.Api;
using Edge.Host.Objects;

namespace Edge.Cli.Commands.Resources;

/// <summary>
/// Completions from the running cluster (pod and node names), for the shell scripts of
/// `edgectl completion`. A cluster that is not up completes nothing, quickly and silently.
/// </summary>
public static class ClusterCompletions
{
    public static void Names(Argument argument, string kind)
    {
        argument.HelpName ??= argument.Name; // help shows <pod>, and does not ask the cluster for its names
        argument.CompletionSources.Add(context => NamesOf(context, kind));
    }

    public static void ResourceTypesAndNames(Argument argument)
    {
        argument.HelpName ??= "TYPE [NAME...]";
        argument.CompletionSources.Add(context => TypesOrNames(argument, context));
    }

    private static IEnumerable<CompletionItem> TypesOrNames(Argument argument, CompletionContext context)
    {
        string[] words = context.ParseResult.GetValue((Argument<string[]>)argument) ?? [];
        if (words.Length == 0 || (words.Length == 1 && context.WordToComplete.Length > 0))
        {
            return KindInfo.All.Select(k => new CompletionItem(k.Plural));
        }

        KindInfo? kind = KindInfo.Find(words[0]);
        return kind == null ? [] : NamesOf(context, kind.Kind);
    }

    private static IEnumerable<CompletionItem> NamesOf(CompletionContext context, string kind)
    {
        try
        {
            using ApiClient api = ApiClient.For(context.ParseResult);
            using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            KindInfo info = KindInfo.ForKind(kind)!;
            string? ns = info.Namespaced ? context.ParseResult.GetValue(GlobalOptions.Namespace) ?? "default" : null;
            // The one wait on a task in edgectl: System.CommandLine asks a completion source for its items synchronously
            // (Func<CompletionContext, IEnumerable<CompletionItem>>, no async overload), so the listing is waited for here, 2 s at most.
            return api.ListAsync(info, ns, null, quick.Token).GetAwaiter().GetResult().Select(o => new CompletionItem(o.Name)).ToList();
        }
        catch (Exception e) when (e is CliException or OperationCanceledException or HttpRequestException or IOException or ArgumentException)
        {
            return [];
        }
    }
}
