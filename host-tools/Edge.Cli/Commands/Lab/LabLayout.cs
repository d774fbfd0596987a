using Edge.Dataplane.Wire;

namespace Edge.Cli.Commands.Lab;

/// <summary>Where a lab's virtual boards live: on this host's loopback (127.0.10.N) or in their own namespaces on a Linux bridge.</summary>
public enum LabLayoutKind
{
    Loopback,
    Bridge,
}

/// <summary>The layout `lab up` takes, and in words why (printed, so nobody wonders why `overlay join` cannot reach the boards).</summary>
public sealed record LabLayoutChoice(LabLayoutKind Kind, string Reason);

/// <summary>
/// Which layout a lab gets, decided once: the bridge when Linux and root allow it and nobody asked
/// for loopback addresses; a lab keeps the layout it started with (its nodes keep their
/// addresses) until `lab down --purge`.
/// </summary>
public static class LabLayout
{
    /// <summary>The upper half of RFC 2544's 198.18.0.0/15; each lab takes one /24 of it.</summary>
    public const string Range = "198.19.0.0/16";

    public static LabLayoutChoice Choose(string lab, string? firstAddress, LabNetwork? bridged, bool loopbackBoardsKept,
        bool linux, bool root, bool hasIp)
    {
        if (bridged != null)
        {
            if (firstAddress != null)
            {
                throw new CliException($"lab \"{lab}\" runs on a bridge ({bridged.Subnet}) since its first `lab up`: leave out --first-address, "
                    + $"or start it over on loopback with `edgectl lab down --purge --lab {lab}` first");
            }

            if (!linux || !root)
            {
                throw new CliException($"lab \"{lab}\" runs on a bridge ({bridged.Subnet}), which needs root: `sudo edgectl lab up`");
            }

            return new(LabLayoutKind.Bridge, $"kept from the lab's first `lab up` ({bridged.Subnet})");
        }

        string? reason = firstAddress != null ? "--first-address asked for it"
            : loopbackBoardsKept ? $"the lab started there; `edgectl lab down --purge --lab {lab}` and `lab up` as root move it onto a bridge"
            : !linux ? "the bridge layout is Linux's"
            : !root ? "the bridge layout needs root: `sudo edgectl lab up`"
            : !hasIp ? "the bridge layout needs iproute2's `ip` (apt-get install iproute2)"
            : null;
        return reason == null
            ? new(LabLayoutKind.Bridge, "root on Linux")
            : new(LabLayoutKind.Loopback, reason);
    }

    /// <summary>
    /// The first /24 of 198.19.0.0/16 (from 198.19.1.0) that overlaps none of the prefixes in use
    /// (this host's routes and addresses, other labs' kept subnets); null when all are taken.
    /// </summary>
    public static string? PickSubnet(IEnumerable<(uint Network, int Prefix)> inUse)
    {
        var used = inUse.ToList();
        Ipv4Address.TryParseCidr(Range, out uint range, out _);
        for (uint k = 1; k < 255; k++)
        {
            uint candidate = range + (k << 8);
            if (!used.Any(u => Overlaps(candidate, 24, u.Network, u.Prefix)))
            {
                return Ipv4Address.FormatCidr(candidate, 24);
            }
        }

        return null;
    }

    /// <summary>Whether two prefixes share an address (one contains the other's network). A /0 (a default route) is no claim on a subnet.</summary>
    public static bool Overlaps(uint a, int aPrefix, uint b, int bPrefix) =>
        bPrefix > 0 && aPrefix > 0 && Ipv4Address.InPrefix(a, b, Math.Min(aPrefix, bPrefix));

    /// <summary>"198.19.1.0/24", "192.0.2.2/24" (an interface's address) or "10.0.0.1" (a /32) as network and prefix; false for "default" and the like.</summary>
    public static bool TryParsePrefix(string text, out uint network, out int prefix)
    {
        network = 0;
        prefix = 32;
        int slash = text.IndexOf('/');
        if (slash >= 0 && !int.TryParse(text.AsSpan(slash + 1), out prefix) || prefix is < 0 or > 32)
        {
            return false;
        }

        if (!Ipv4Address.TryParse(slash >= 0 ? text[..slash] : text, out uint address))
        {
            return false;
        }

        network = address & Ipv4Address.MaskOf(prefix);
        return true;
    }
}
