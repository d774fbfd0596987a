using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using Edge.Cli.Api;
using Edge.Cli.Commands.Resources;
using Edge.Host.Objects;

namespace Edge.Cli.Commands.Policy;

/// <summary>`policy check` as kubectl runs a verb: Complete (the namespace in effect), Validate (what was typed, before the cluster is asked anything), Run.</summary>
public sealed class PolicyCheckCommand(CliConsole console)
{
    // Relaxed escaping: the reasons are sentences ("the pod's own board"), not HTML.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public async Task<int> RunAsync(ParseResult parsed, string fromText, string toText, string? portText, string? format, CancellationToken cancel)
    {
        // Complete
        string ns = ResourceArgs.Namespace(parsed);

        // Validate
        PortArgument port = PortArgument.Parse(portText);
        PeerArgument from = PeerArgument.Parse(fromText, ns, "FROM");
        PeerArgument to = PeerArgument.Parse(toText, ns, "TO");

        // Run: the objects the control plane compiles the boards' policies from, then the check.
        using ApiClient api = ApiClient.For(parsed);
        PolicyCheckResult result = new PolicyCheck(await LoadAsync(api, cancel)).Check(from, to, port);
        if (format == "json")
        {
            console.Out.WriteLine(PolicyCheckPrinter.ToJson(result).ToJsonString(Indented));
        }
        else
        {
            PolicyCheckPrinter.WriteText(console.Out, result);
        }

        return result.Allowed ? ExitCodes.Ok : ExitCodes.Denied;
    }

    /// <summary>The objects the control plane compiles the boards' policies from, as they are now.</summary>
    internal static async Task<PolicyCluster> LoadAsync(ApiClient api, CancellationToken cancel)
    {
        Task<List<KubeObject>> All(string kind) => api.ListAsync(KindInfo.ForKind(kind)!, null, null, cancel);
        return new PolicyCluster(await All("Pod"), await All("Namespace"), await All("NetworkPolicy"), await All("Node"), await All("Service"), await All("Endpoints"),
            PolicyCluster.Network.DnsServiceIp);
    }
}
