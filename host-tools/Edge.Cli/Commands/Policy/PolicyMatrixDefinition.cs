using System.CommandLine;

namespace Edge.Cli.Commands.Policy;

/// <summary><c>edgectl policy matrix [-n NS ...|-A] [-l SELECTOR] [--port P[/PROTO]] [--timeout SECONDS] [--expect] [-o json]</c>: the definition (options, help).</summary>
public static class PolicyMatrixDefinition
{
    public static Command Create(CliConsole console, Func<Api.ApiClient, PortArgument, int, IReachabilityProber>? prober = null)
    {
        // After `matrix`, -n takes several namespaces: this option stands in for the global -n (still
        // read when typed before `policy`), hidden so that help lists -n once; the description says how.
        var namespaces = new Option<string[]>("--namespace", "-n")
        {
            Description = "The namespaces whose pods to probe: repeat it or list them (-n x -n y, -n x,y); default: default",
            Arity = ArgumentArity.OneOrMore,
            Hidden = true,
        };
        var all = new Option<bool>("--all-namespaces", "-A") { Description = "Probe the pods of every namespace but kube-system" };
        var selector = new Option<string?>("--selector", "-l") { Description = "Only the pods that match, e.g. app=web or 'tier in (a,b)'" };
        var port = new Option<string?>("--port", "-p")
        {
            Description = $"The destination pod's port, PORT or PORT/tcp|udp (default: {PolicyMatrixCommand.DefaultPort}/tcp); the pod's own port, not a Service's",
        };
        var timeout = new Option<int>("--timeout")
        {
            Description = "Seconds a probe waits for a connection, or for a UDP answer",
            HelpName = "seconds",
            DefaultValueFactory = _ => PolicyMatrixCommand.DefaultTimeoutSeconds,
        };
        var expect = new Option<bool>("--expect") { Description = "Also ask `policy check` for each pair, and mark with \"!\" the cells where the boards did otherwise" };
        Option<string?> output = JsonOutput();
        var matrix = new Command("matrix", $"""
            Probe who reaches whom: every pod of the namespaces (-n NS, repeated or listed as -n x,y;
            default: default; -A every namespace but kube-system; -l to choose pods by label) opens a
            real connection to every pod (itself too), from its own sandbox on its board, as `edgectl
            exec POD -- nc -z -w SECONDS IP PORT` would: the boards decide, nothing is computed. PORT
            is the destination pod's own port: policy applies after kube-proxy's DNAT, so a Service's
            port is not what the boards check. TCP connects; UDP sends a line and waits for an answer
            (the echo image answers on 7).

            The matrix is laid out as the upstream network policy e2e suite prints its truth tables:
            a "-" in the corner, destinations across, sources down, "." connected, "X" blocked (no
            connection within the timeout; for UDP, no answer, which may also mean nothing answers on
            the port), "R" refused (through the network, but nothing listens on the port). Then a
            summary (`16 probes: 10 connected, 6 blocked`), a legend, and the pods left out (not
            Running, no IP). -o json gives each cell as an object.

            A board runs one exec at a time, so each board works through its pods' probes while the
            boards run side by side, at most {MatrixProbes.DefaultParallelism} probes at once; a terminal
            shows the progress on stderr.

            With --expect, `policy check` computes each pair too, and "!" after a mark flags a cell
            where the boards did otherwise (`.!` connected though computed denied, `X!` blocked though
            computed allowed).

            Exit code: 0 when the matrix is made, whatever it shows; 1 for an error, which prints
            `error: ...` on stderr and nothing on stdout; 1 also after the matrix when a probe could
            not run (its cell shows "?", the reason on stderr); 130 after Ctrl+C.
            """)
        {
            namespaces, all, selector, port, timeout, expect, output,
        };
        matrix.SetAction((parsed, cancel) => new PolicyMatrixCommand(console, prober).RunAsync(parsed, parsed.GetValue(namespaces) ?? [], parsed.GetValue(all),
            parsed.GetValue(selector), parsed.GetValue(port), parsed.GetValue(timeout), parsed.GetValue(expect), parsed.GetValue(output), cancel));
        return matrix;
    }

    /// <summary>`-o json`, refusing any other format in kubectl's words.</summary>
    internal static Option<string?> JsonOutput() => new("--output", "-o")
    {
        Description = "Output format: json (the same facts as the text)",
        Validators =
        {
            result =>
            {
                string? value = result.Tokens.FirstOrDefault()?.Value;
                if (value is not (null or "json"))
                {
                    result.AddError($"unable to match a printer suitable for the output format \"{value}\", allowed formats are: json");
                }
            },
        },
    };
}
