using System.CommandLine;
using System.Text.Json.Nodes;
using Edge.Cli.Api;
using Edge.Cli.Output;

namespace Edge.Cli.Commands.Board;

/// <summary>
/// <c>edgectl board rekey</c>: the running control plane makes a new cluster key, keeps it
/// (the old one as the previous), and gives it to every connected board under its session; a
/// board that is off gets it when it next connects. Prints each board's outcome and the new key id.
/// </summary>
public static class RekeyCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("rekey", "Give the cluster a new key: every board takes it over its authenticated session");
        command.SetAction(async (parsed, cancel) =>
        {
            using ApiClient api = ApiClient.For(parsed);
            JsonObject result = await api.PostAsync("/edge/v1/rekey", new JsonObject(), cancel);
            var boards = (result["boards"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            TextTable.Write(console.Out, ["BOARD", "KEY"],
                boards.Select(b => (IReadOnlyList<string>)[(string?)b["name"] ?? "?", (string?)b["error"] is { } error ? "old key: " + error : "new key"]));
            console.Out.WriteLine($"✓ cluster \"{(string?)result["cluster"]}\" has key {(string?)result["keyId"]}; boards that missed it take it when they next connect, as long as the cluster is not rekeyed again first");
            bool refused = boards.Any(b => (string?)b["error"] is { } error && !error.StartsWith("not connected", StringComparison.Ordinal));
            return refused ? ExitCodes.Error : ExitCodes.Ok;
        });
        return command;
    }
}
