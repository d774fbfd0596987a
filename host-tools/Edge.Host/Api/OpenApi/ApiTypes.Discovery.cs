namespace Edge.Host.Api.OpenApi;

/// <summary>discovery.k8s.io/v1: EndpointSlices, the endpoints kube-proxy reads.</summary>
public static partial class ApiTypes
{
    private const string Discovery = "io.k8s.api.discovery.v1.";

    private static IEnumerable<ApiType> DiscoveryTypes() =>
    [
        KindType(Discovery + "EndpointSlice", "A set of a service's endpoints, as kube-proxy reads them (Edge writes one per service and port set; its service is the label kubernetes.io/service-name).",
            Required(Str("addressType", "IPv4, IPv6 or FQDN: the type of every address in the slice.")),
            Required(List("endpoints", Discovery + "Endpoint", "The endpoints.")),
            List("ports", Discovery + "EndpointPort", "The ports every endpoint serves.")),
        Struct(Discovery + "Endpoint", "One endpoint: a pod's address and its conditions.",
            Required(Strings("addresses", "The endpoint's addresses (one on Edge).")),
            Ref("conditions", Discovery + "EndpointConditions", "Whether it is ready, serving and terminating."),
            Str("hostname", "The endpoint's host name."),
            Ref("targetRef", Core + "ObjectReference", "The pod behind the endpoint."),
            Str("nodeName", "The node the endpoint is on."),
            Str("zone", "The zone the endpoint is in."),
            Ref("hints", Discovery + "EndpointHints", "Hints for topology-aware routing.")),
        Struct(Discovery + "EndpointConditions", "What an endpoint can do now.",
            Bool("ready", "Whether it takes new connections (serving and not terminating)."),
            Bool("serving", "Whether it answers, terminating or not."),
            Bool("terminating", "Whether it is going away.")),
        Kept(Discovery + "EndpointHints", "Hints for topology-aware routing."),
        Struct(Discovery + "EndpointPort", "A port the endpoints serve.",
            Str("name", "The service port's name."),
            Str("protocol", "TCP, UDP or SCTP."),
            Int("port", "The port number."),
            Str("appProtocol", "The application protocol.")),
    ];
}
