using System.Globalization;
using Edge.Dataplane.Wire;
using Edge.Host.Objects;

namespace Edge.Cli.Commands.Policy;

/// <summary>What FROM or TO names.</summary>
public enum PeerKind
{
    Pod,
    Service,
    Address,
}

/// <summary>
/// FROM or TO of `policy check`, as typed. The shapes it accepts:
/// <code>
/// NAME                a pod in the namespace of -n (default: default)
/// NS/NAME             a pod in NS
/// pod/NAME            a pod in the namespace of -n (also po/, pods/)
/// svc/NAME            a Service in the namespace of -n (also service/, services/)
/// A.B.C.D             an address: a pod's, a ClusterIP, or one outside the pods (a node, a laptop)
/// </code>
/// A word before the slash that names a kind is the kind (`svc/web`), anything else a
/// namespace (`shop/web`); a namespace spelled like a kind is reached with -n.
/// </summary>
public sealed record PeerArgument(PeerKind Kind, string Namespace, string Name, uint Address)
{
    public static PeerArgument Parse(string text, string defaultNamespace, string what)
    {
        if (text.Length == 0)
        {
            throw new CliException($"{what} is empty: give a pod (NAME or NS/NAME), svc/NAME or an IPv4 address");
        }

        if (Ipv4Address.TryParse(text, out uint address))
        {
            return new PeerArgument(PeerKind.Address, "", "", address);
        }

        if (text.All(c => char.IsAsciiDigit(c) || c == '.'))
        {
            throw new CliException($"{what} \"{text}\" is not an IPv4 address (a.b.c.d); pods are given as NAME or NS/NAME");
        }

        string[] parts = text.Split('/');
        if (parts.Length == 1)
        {
            return new PeerArgument(PeerKind.Pod, defaultNamespace, text, 0);
        }

        if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            throw new CliException($"{what} \"{text}\": give a pod as NAME or NS/NAME, a service as svc/NAME (with -n NS), or an IPv4 address");
        }

        KindInfo? kind = KindInfo.Find(parts[0]);
        return kind?.Kind switch
        {
            null => new PeerArgument(PeerKind.Pod, parts[0], parts[1], 0),
            "Pod" => new PeerArgument(PeerKind.Pod, defaultNamespace, parts[1], 0),
            "Service" => new PeerArgument(PeerKind.Service, defaultNamespace, parts[1], 0),
            _ => throw new CliException($"{what} \"{text}\": policy check takes pods, services and IPv4 addresses, not {kind.Plural} (for a deployment, name one of its pods: `edgectl get pods -l ...`)"),
        };
    }
}

/// <summary>`--port P[/PROTO]`: a destination port, TCP unless /udp says otherwise.</summary>
public readonly record struct PortArgument(ushort Port, byte Protocol)
{
    public string ProtocolName => Protocol == IpProtocol.Udp ? "UDP" : "TCP";

    /// <summary>"TCP 80", as the verdict lines say it.</summary>
    public override string ToString() => $"{ProtocolName} {Port}";

    public static PortArgument Parse(string? text)
    {
        const string Example = "e.g. --port 80, --port 8080/tcp or --port 53/udp";
        if (string.IsNullOrEmpty(text))
        {
            throw new CliException($"--port is required: the destination port, {Example}");
        }

        string[] parts = text.Split('/');
        if (parts.Length > 2)
        {
            throw new CliException($"--port \"{text}\": give PORT or PORT/PROTOCOL, {Example}");
        }

        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            throw new CliException($"--port \"{text}\": the port must be a number from 1 to 65535, {Example}");
        }

        byte protocol = parts.Length == 1 ? IpProtocol.Tcp : parts[1].ToLowerInvariant() switch
        {
            "tcp" => IpProtocol.Tcp,
            "udp" => IpProtocol.Udp,
            _ => throw new CliException($"--port \"{text}\": the protocol must be tcp or udp (the boards carry no SCTP), {Example}"),
        };
        return new PortArgument((ushort)port, protocol);
    }
}
