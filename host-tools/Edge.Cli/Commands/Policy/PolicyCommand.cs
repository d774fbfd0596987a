using System.CommandLine;
using Edge.Cli.Commands.Resources;

namespace Edge.Cli.Commands.Policy;

/// <summary><c>edgectl policy check FROM TO --port P[/PROTO] [-o json]</c>: the definition (arguments, options, help); `policy matrix` has its own, <see cref="PolicyMatrixDefinition"/>.</summary>
public static class PolicyCommand
{
    public static Command Create(CliConsole console)
    {
        var from = new Argument<string>("from") { Description = "The source: a pod (NAME, NS/NAME) or an IPv4 address (outside the cluster, a node)" };
        var to = new Argument<string>("to") { Description = "The destination: a pod (NAME, NS/NAME), svc/NAME, a ClusterIP, or an IPv4 address" };
        ClusterCompletions.Names(from, "Pod");
        ClusterCompletions.Names(to, "Pod");
        var port = new Option<string?>("--port", "-p") { Description = "The destination port, PORT or PORT/tcp|udp (TCP unless told); for a Service, its port" };
        var output = new Option<string?>("--output", "-o")
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
        var check = new Command("check", """
            Say whether NetworkPolicy lets FROM open a connection to TO on a port, decided by the boards'
            own code: each board's policies compiled from the cluster's objects as the control plane
            compiles them, and asked as the board asks them: the source pod's egress on its board, the
            destination pod's ingress on its board (traffic from the destination's own node, its .1
            gateway or .0 VTEP address, is always allowed in). A Service is checked after kube-proxy's
            DNAT, as the boards check it: once per ready endpoint, on the endpoint's port.

            The first line is the verdict, `allowed` or `denied`; then one line per side. "rule N
            (ingress[i])" is the policy's Nth rule as the board holds it (ingress rules first, then
            egress rules, less rules that can match nothing, which the host leaves out) and the rule
            as written in the policy's spec.

            Exit code: 0 allowed; 1 denied (through a Service: denied to at least one endpoint), as
            `kubectl auth can-i` answers no; 1 also for an error, which prints `error: ...` on stderr
            and nothing on stdout.
            """)
        {
            from, to, port, output,
        };
        check.SetAction((parsed, cancel) => new PolicyCheckCommand(console).RunAsync(parsed, parsed.GetValue(from)!, parsed.GetValue(to)!, parsed.GetValue(port), parsed.GetValue(output), cancel));
        return new Command("policy", "Ask what the cluster's NetworkPolicies allow, and probe what the boards let through") { check, PolicyMatrixDefinition.Create(console) };
    }
}
