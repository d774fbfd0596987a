using System.CommandLine;
using Edge.Cli.Api;

namespace Edge.Cli.Commands.Resources;

/// <summary><c>edgectl version</c>: this client's version, and the control plane's when one answers.</summary>
public static class VersionCommand
{
    public static Command Create(CliConsole console)
    {
        var clientOnly = new Option<bool>("--client") { Description = "Only the client's version" };
        var command = new Command("version", "Print the client and server version information") { clientOnly };
        command.SetAction(async (parsed, cancel) =>
        {
            console.Out.WriteLine($"Client Version: edgectl {Host.Api.ApiServer.Version} (board firmware {Dataplane.Mgmt.Messages.FirmwareVersion})");
            if (parsed.GetValue(clientOnly))
            {
                return ExitCodes.Ok;
            }

            using ApiClient api = ApiClient.For(parsed);
            console.Out.WriteLine($"Server Version: {(string?)(await api.GetAsync("/version", cancel))["gitVersion"]} at {api.Server}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
