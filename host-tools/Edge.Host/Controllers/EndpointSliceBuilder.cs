using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Edge.Host.Objects;

namespace Edge.Host.Controllers;

/// <summary>
/// The EndpointSlice controller's rule, from the service's Endpoints (<see cref="EndpointsBuilder"/>):
/// one IPv4 slice per set of ports, each endpoint a pod with its conditions (ready, serving,
/// terminating), its node and its pod; labelled with its service and its manager as Kubernetes
/// labels them. Names are the service's and a hash of the ports (Kubernetes draws them at random;
/// a stable name keeps the controller from rewriting them).
/// </summary>
public static class EndpointSliceBuilder
{
    public const string ServiceNameLabel = "kubernetes.io/service-name";
    public const string ManagedByLabel = "endpointslice.kubernetes.io/managed-by";
    public const string Manager = "endpointslice-controller.k8s.io";

    public static List<KubeObject> Build(KubeObject endpoints)
    {
        var slices = new List<KubeObject>();
        foreach (JsonNode? subset in endpoints.Json["subsets"] as JsonArray ?? [])
        {
            JsonArray ports = subset?["ports"] as JsonArray ?? [];
            var items = new JsonArray();
            foreach ((string field, bool ready) in new[] { ("addresses", true), ("notReadyAddresses", false) })
            {
                foreach (JsonNode? address in subset?[field] as JsonArray ?? [])
                {
                    var endpoint = new JsonObject
                    {
                        ["addresses"] = new JsonArray((string?)address?["ip"]),
                        ["conditions"] = new JsonObject { ["ready"] = ready, ["serving"] = ready, ["terminating"] = false },
                    };
                    if ((string?)address?["hostname"] is string hostname)
                    {
                        endpoint["hostname"] = hostname;
                    }

                    endpoint["nodeName"] = (string?)address?["nodeName"];
                    endpoint["targetRef"] = address?["targetRef"]?.DeepClone();
                    items.Add(endpoint);
                }
            }

            string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ports.ToJsonString())))[..5];
            var labels = (endpoints.Metadata["labels"] as JsonObject)?.DeepClone() as JsonObject ?? new JsonObject();
            labels[ServiceNameLabel] = endpoints.Name;
            labels[ManagedByLabel] = Manager;
            slices.Add(new KubeObject(new JsonObject
            {
                ["apiVersion"] = "discovery.k8s.io/v1",
                ["kind"] = "EndpointSlice",
                ["metadata"] = new JsonObject { ["name"] = $"{endpoints.Name}-{hash}", ["namespace"] = endpoints.Namespace, ["labels"] = labels },
                ["addressType"] = "IPv4",
                ["endpoints"] = items,
                ["ports"] = new JsonArray(ports.Select(p => (JsonNode?)p?.DeepClone()).ToArray()),
            }));
        }

        return slices;
    }
}
