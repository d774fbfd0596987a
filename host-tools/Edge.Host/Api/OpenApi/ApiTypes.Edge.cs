namespace Edge.Host.Api.OpenApi;

/// <summary>edge.dev/v1: Edge's own kinds.</summary>
public static partial class ApiTypes
{
    private const string EdgeGroup = "dev.edge.v1.";

    private static IEnumerable<ApiType> EdgeTypes() =>
    [
        KindType(EdgeGroup + "OverlayPeer", "A Linux host (or network namespace) joined to the pod network with `edgectl overlay join`: every board takes it as a VXLAN peer.",
            Ref("spec", EdgeGroup + "OverlayPeerSpec", "Where the host is and the range it was given.")),
        Struct(EdgeGroup + "OverlayPeerSpec", "Where a joined host is, and the overlay range it was given.",
            Required(Str("address", "The host's address, which the boards send VXLAN to.")),
            Int("vxlanPort", "The host's VXLAN UDP port; 4789 when unset."),
            Str("podCIDR", "The host's overlay range (10.250.K.0/24), given by the control plane when unset.")),
    ];
}
