using System.CommandLine;
using System.Diagnostics;
using System.Net;
using Edge.Cli.Api;
using Edge.Cli.Commands.Daemons;
using Edge.Cli.Ui;
using Edge.Host.Lab;
using Spectre.Console;

namespace Edge.Cli.Commands.Ui;

/// <summary>
/// <c>edgectl ui [--address A] [--port P]</c>: the lab in a browser (<see cref="UiServer"/>),
/// following the cluster's API until Ctrl+C. `lab up --ui` runs it in the background (--log).
/// </summary>
public static class UiCommand
{
    public static Command Create(CliConsole console)
    {
        var address = new Option<string>("--address") { Description = "Address to serve the page on (localhost: 127.0.0.1; 0.0.0.0 for every interface: a read-only view anyone who reaches it sees)", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "Port to serve the page on (0: a free one, printed)", DefaultValueFactory = _ => 0 };
        var log = new Option<string?>("--log") { Description = "Write the log to this file and detach from the terminal (what `lab up --ui` runs)" };
        var command = new Command("ui", "Serve the lab view in a browser: boards, pods, the overlay, services and their endpoints, live") { address, port, log };
        command.SetAction((parsed, cancel) => new UiOptions(
            parsed.GetValue(address)!, parsed.GetValue(port), parsed.GetValue(log),
            parsed.GetValue(GlobalOptions.Server) ?? Environment.GetEnvironmentVariable("EDGE_SERVER"),
            parsed.GetValue(GlobalOptions.Lab) ?? "lab").Complete().Validate().Run(console));
        return command;
    }

    /// <summary>What `edgectl ui` was asked, checked before anything starts.</summary>
    public sealed record UiOptions(string Address, int Port, string? Log, string? Server, string Lab)
    {
        public IPAddress Listen { get; private init; } = IPAddress.Loopback;

        /// <summary>kubectl's Complete: names to addresses.</summary>
        public UiOptions Complete() => this with
        {
            Listen = Address == "localhost" ? IPAddress.Loopback
                : IPAddress.TryParse(Address, out IPAddress? ip) ? ip
                : throw new CliException($"--address {Address}: give an IP address (127.0.0.1, 0.0.0.0) or localhost"),
        };

        public UiOptions Validate()
        {
            if (Port is < 0 or > 65535)
            {
                throw new CliException($"--port {Port}: give 1-65535, or 0 for a free port");
            }

            return this;
        }

        /// <summary>A client for the API: the one given, or the lab's as its file says now (a restarted control plane may have moved).</summary>
        public ApiClient Connect()
        {
            if (!string.IsNullOrEmpty(Server))
            {
                return new ApiClient(Server, Environment.GetEnvironmentVariable("EDGE_TOKEN"));
            }

            LabState state = LabState.Load(Lab)
                ?? throw new CliException($"no cluster to show: start one with `edgectl lab up` (or `edgectl lab up --ui`), or give --server URL; no lab \"{Lab}\" in {LabState.DirectoryFor(Lab)}");
            return new ApiClient(state.Server, state.Token);
        }

        public async Task<int> Run(CliConsole console)
        {
            string server;
            using (ApiClient api = Connect())
            {
                server = api.Server;
                await api.GetTextAsync("/healthz"); // unreachable: "cannot reach the control plane at ...: is the lab up?"
            }

            using var log = new ProcessLog(console, Log);
            await using var mirror = new ClusterMirror(Connect, log.Writer);
            mirror.Start();
            var clock = Stopwatch.StartNew();
            while (!mirror.Snapshot().Connected && clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                long seen = mirror.Revision;
                using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
                try
                {
                    await mirror.WaitForChangeAsync(seen, wait.Token);
                }
                catch (OperationCanceledException)
                {
                    // look again
                }
            }

            // Detached (--log), the terminal is gone: everything goes to the log.
            bool terminal = Log == null;
            if (mirror.Snapshot() is { Connected: false, Problem: var problem })
            {
                Say(console, log, terminal, $"warning: not following the cluster yet ({problem}); the page says so and catches up when it can");
            }

            await using var flows = new FlowFeed(Connect, log.Writer);
            flows.Start();
            await using UiServer ui = await UiServer.StartAsync(mirror, flows, Connect, string.IsNullOrEmpty(Server) ? Lab : server, Listen, Port);
            if (terminal)
            {
                Done(console, $"following the cluster at {server}{(string.IsNullOrEmpty(Server) ? $" (lab \"{Lab}\")" : "")}");
            }

            if (!IPAddress.IsLoopback(Listen))
            {
                Say(console, log, terminal, $"warning: serving on {Listen}: anyone who reaches this port sees the cluster's objects (read-only: no Secrets, no writes, no exec)");
            }

            if (terminal)
            {
                console.Out.WriteLine($"Lab view: {ui.Address}   (Ctrl+C stops it)");
                console.Out.Flush();
            }

            log.Line($"lab view of {server} at {ui.Address}");
            try
            {
                await Task.Delay(Timeout.Infinite, log.Stop.Token);
            }
            catch (OperationCanceledException)
            {
                log.Line("stopping");
            }

            return ExitCodes.Ok;
        }

        private static void Say(CliConsole console, ProcessLog log, bool terminal, string line)
        {
            if (terminal)
            {
                console.Err.WriteLine(line);
            }
            else
            {
                log.Line(line);
            }
        }

        private static void Done(CliConsole console, string what)
        {
            if (console.Colour)
            {
                console.Styled.MarkupLine("[green]✓[/] " + Markup.Escape(what));
            }
            else
            {
                console.Out.WriteLine("✓ " + what);
            }
        }
    }
}
