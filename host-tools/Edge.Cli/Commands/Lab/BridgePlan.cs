namespace Edge.Cli.Commands.Lab;

/// <summary>
/// The `ip` commands of a lab's bridge layout, as a user would type them (`lab up` prints what it
/// made; tests read them): the bridge with this host's address, a namespace per board with its
/// `eth0` on the bridge, a namespace someone else made linked in by `overlay join --netns`, and
/// their removal. Running them is <see cref="HostCommands"/>' job; this only says what to run.
/// </summary>
public static class BridgePlan
{
    /// <summary>The bridge and this host's address on it; `addr replace` and `set up` are idempotent, the `link add` is run only when the bridge is missing.</summary>
    public static List<string> Bridge(LabNetwork network, bool exists) =>
    [
        .. exists ? Array.Empty<string>() : [$"ip link add {network.Bridge} type bridge"],
        $"ip addr replace {network.HostAddress}/24 dev {network.Bridge}",
        $"ip link set {network.Bridge} up",
    ];

    /// <summary>
    /// Node-N's namespace: loopback up, a veth whose `eth0` end is the board's Ethernet, its
    /// address, and a default route through this host (the board's egress, and its way to
    /// anything on this host beyond the bridge).
    /// </summary>
    public static List<string> Board(LabNetwork network, int n)
    {
        string ns = network.BoardNamespace(n);
        return
        [
            $"ip netns add {ns}",
            $"ip -n {ns} link set lo up",
            $"ip link add {network.BoardPort(n)} type veth peer name eth0 netns {ns}",
            $"ip link set {network.BoardPort(n)} master {network.Bridge} up",
            $"ip -n {ns} addr add {network.BoardAddress(n)}/24 dev eth0",
            $"ip -n {ns} link set eth0 up",
            $"ip -n {ns} route add default via {network.HostAddress}",
        ];
    }

    /// <summary>Node-N's namespace and veth, whatever is left of them (deleting the namespace deletes the veth with it).</summary>
    public static List<string> RemoveBoard(LabNetwork network, int n) =>
        [$"ip netns del {network.BoardNamespace(n)}", $"ip link del {network.BoardPort(n)}"];

    /// <summary>A namespace the user made, linked into the bridge as the K-th joined one; its end is named as the bridge, so `ip -n NS addr` says where it leads.</summary>
    public static List<string> Namespace(LabNetwork network, int k, string netns) =>
    [
        $"ip link add {network.JoinPort(k)} type veth peer name {network.Bridge} netns {netns}",
        $"ip link set {network.JoinPort(k)} master {network.Bridge} up",
        $"ip -n {netns} addr add {network.JoinAddress(k)}/24 dev {network.Bridge}",
        $"ip -n {netns} link set {network.Bridge} up",
    ];

    /// <summary>The K-th joined namespace's link (both ends go together).</summary>
    public static List<string> RemoveNamespace(LabNetwork network, int k) => [$"ip link del {network.JoinPort(k)}"];

    public static List<string> RemoveBridge(LabNetwork network) => [$"ip link del {network.Bridge}"];
}
