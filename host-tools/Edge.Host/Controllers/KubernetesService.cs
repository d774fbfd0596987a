using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Edge.Dataplane.Wire;
using Edge.Host.Allocation;
using Edge.Host.Objects;
using Edge.Host.Store;

namespace Edge.Host.Controllers;

/// <summary>
/// What the kubernetes service controller decides in one pass: the Service to write (null when
/// it is as it should be, or may not be made), whether that is a create, whether the Service is
/// there for its Endpoints and EndpointSlice to be written, and the other Services that hold its
/// address (each is told with a Warning; none is touched).
/// </summary>
public sealed record KubernetesServiceVerdict(KubeObject? Service, bool Create, bool Serving, IReadOnlyList<KubeObject> Holders);

/// <summary>
/// The Service <c>default/kubernetes</c>, as kube-apiserver's bootstrap controller (the master
/// endpoints reconciler) keeps it, so a pod finds the API at the first address of the service
/// range (10.96.0.1:443) and <c>nslookup kubernetes.default</c> answers as on any cluster:
/// labels component=apiserver and provider=kubernetes, ClusterIP, one port <c>https</c> 443/TCP
/// whose targetPort is the API's port, no selector; its Endpoints and an EndpointSlice, both
/// named <c>kubernetes</c>, hold the address and port the API is served at.
/// </summary>
/// <remarks>
/// Level-triggered, every pass: a deleted Service comes back; a changed one gets its type,
/// cluster IP, ports and session affinity back and loses a selector (the Endpoints are the
/// control plane's, not the endpoints controller's), while labels and annotations a user added
/// stay. The address is the service range's first, which the allocator never hands out and the
/// API refuses to any other Service (<see cref="AddressProblem"/>). A store written before that
/// (or by hand) may hold a Service that has it: that Service is left alone and gets a Warning
/// event (ClusterIPAlreadyAllocated, as Kubernetes' service IP repair controller says it), and
/// default/kubernetes is not made until the address is free, as kube-apiserver could not
/// allocate it either. Edge's API is plain HTTP, not TLS: the port keeps the name https that
/// clients look for, and what is behind it is said in README.md (Services).
/// </remarks>
public static class KubernetesService
{
    public const string Namespace = "default";
    public const string Name = "kubernetes";
    public const string PortName = "https";
    public const int Port = 443;

    /// <summary>kube-apiserver marks its Endpoints so the EndpointSlice mirroring controller leaves them alone: it writes the slice itself.</summary>
    public const string SkipMirrorLabel = "endpointslice.kubernetes.io/skip-mirror";

    /// <summary>The reason of the Warning on a Service that holds the kubernetes service's address.</summary>
    public const string AddressTakenReason = "ClusterIPAlreadyAllocated";

    private const string Component = "edge-controllers";

    /// <summary>
    /// The address and port the API is advertised at, as kube-apiserver chooses its advertise
    /// address: the address it listens on, or, when that is any address (0.0.0.0) or not IPv4,
    /// this host's first IPv4 address on an interface with a default gateway (loopback if none).
    /// </summary>
    public static IPEndPoint Advertised(IPEndPoint listen, IEnumerable<IPAddress> gatewayInterfaceAddresses)
    {
        if (listen.AddressFamily == AddressFamily.InterNetwork && !listen.Address.Equals(IPAddress.Any))
        {
            return listen;
        }

        IPAddress chosen = gatewayInterfaceAddresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a)) ?? IPAddress.Loopback;
        return new IPEndPoint(chosen, listen.Port);
    }

    /// <summary>One pass over the store: decide, write, warn. Returns how many objects it wrote (events are records, not counted); nothing when no API is served.</summary>
    public static int Reconcile(ObjectStore store, ClusterNetwork network, IPEndPoint? api, DateTime now, Random random)
    {
        if (api == null)
        {
            return 0;
        }

        (int writes, IReadOnlyList<KubeObject> holders) = store.Batch(w =>
        {
            KubernetesServiceVerdict verdict = Decide(w.Get("Service", Namespace, Name), w.All("Service"), network, api);
            int written = 0;
            if (verdict.Service != null)
            {
                _ = verdict.Create ? w.Create(verdict.Service) : w.Update(verdict.Service);
                written++;
            }

            if (verdict.Serving)
            {
                written += w.Apply(Endpoints(api)).Outcome == ApplyOutcome.Unchanged ? 0 : 1;
                written += w.Apply(EndpointSlice(api)).Outcome == ApplyOutcome.Unchanged ? 0 : 1;
            }

            return (written, verdict.Holders);
        });

        foreach (KubeObject holder in holders)
        {
            WarnOnce(store, holder, AddressTaken(network), now, random);
        }

        return writes;
    }

    /// <summary>The rule: what to do given the stored default/kubernetes (or null), every Service, and where the API is served.</summary>
    public static KubernetesServiceVerdict Decide(KubeObject? stored, IEnumerable<KubeObject> services, ClusterNetwork network, IPEndPoint api)
    {
        List<KubeObject> holders = services.Where(s => !IsIt(s) && Holds(s, network.ApiServiceIp)).ToList();
        if (stored == null)
        {
            return holders.Count > 0
                ? new KubernetesServiceVerdict(null, false, false, holders)
                : new KubernetesServiceVerdict(Service(network, api.Port), true, true, holders);
        }

        return new KubernetesServiceVerdict(Restored(stored, network, api.Port), false, true, holders);
    }

    /// <summary>The Service as kube-apiserver makes it.</summary>
    public static KubeObject Service(ClusterNetwork network, int apiPort)
    {
        string clusterIp = Ipv4Address.Format(network.ApiServiceIp);
        return new KubeObject(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Service",
            ["metadata"] = new JsonObject
            {
                ["name"] = Name,
                ["namespace"] = Namespace,
                ["labels"] = new JsonObject { ["component"] = "apiserver", ["provider"] = "kubernetes" },
            },
            ["spec"] = new JsonObject
            {
                ["type"] = "ClusterIP",
                ["clusterIP"] = clusterIp,
                ["clusterIPs"] = new JsonArray(clusterIp),
                ["ports"] = Ports(apiPort),
                ["sessionAffinity"] = "None",
                ["ipFamilies"] = new JsonArray("IPv4"),
                ["ipFamilyPolicy"] = "SingleStack",
                ["internalTrafficPolicy"] = "Cluster",
            },
            ["status"] = new JsonObject { ["loadBalancer"] = new JsonObject() },
        });
    }

    /// <summary>The stored Service with what the controller owns put back; null when nothing needs to change.</summary>
    public static KubeObject? Restored(KubeObject stored, ClusterNetwork network, int apiPort)
    {
        KubeObject desired = Service(network, apiPort);
        KubeObject restored = stored.Clone();
        if (restored.Metadata["labels"] is not JsonObject labels)
        {
            restored.Metadata["labels"] = labels = [];
        }

        foreach ((string key, JsonNode? value) in desired.Metadata["labels"]!.AsObject())
        {
            labels[key] = value!.DeepClone();
        }

        JsonObject spec = restored.Spec ?? (JsonObject)(restored.Json["spec"] = new JsonObject());
        foreach (string field in new[] { "type", "clusterIP", "clusterIPs", "ports", "sessionAffinity" })
        {
            spec[field] = desired.Spec![field]!.DeepClone();
        }

        spec.Remove("selector");
        if ((string?)stored.Spec?["type"] is "NodePort" or "LoadBalancer")
        {
            spec.Remove("externalTrafficPolicy"); // only NodePort and LoadBalancer services have one
            restored.Json["status"] = desired.Json["status"]!.DeepClone(); // a load balancer's addresses went with its type
        }

        return JsonNode.DeepEquals(restored.Json, stored.Json) ? null : restored;
    }

    /// <summary>The Endpoints kube-apiserver writes: the API's address with the port named https.</summary>
    public static KubeObject Endpoints(IPEndPoint api) => new(new JsonObject
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Endpoints",
        ["metadata"] = new JsonObject
        {
            ["name"] = Name,
            ["namespace"] = Namespace,
            ["labels"] = new JsonObject { [SkipMirrorLabel] = "true" },
        },
        ["subsets"] = new JsonArray(new JsonObject
        {
            ["addresses"] = new JsonArray(new JsonObject { ["ip"] = api.Address.ToString() }),
            ["ports"] = new JsonArray(new JsonObject { ["name"] = PortName, ["port"] = api.Port, ["protocol"] = "TCP" }),
        }),
    });

    /// <summary>The EndpointSlice kube-apiserver writes beside them: named as the service, IPv4, labelled with the service's name only.</summary>
    public static KubeObject EndpointSlice(IPEndPoint api) => new(new JsonObject
    {
        ["apiVersion"] = "discovery.k8s.io/v1",
        ["kind"] = "EndpointSlice",
        ["metadata"] = new JsonObject
        {
            ["name"] = Name,
            ["namespace"] = Namespace,
            ["labels"] = new JsonObject { [EndpointSliceBuilder.ServiceNameLabel] = Name },
        },
        ["addressType"] = "IPv4",
        ["endpoints"] = new JsonArray(new JsonObject
        {
            ["addresses"] = new JsonArray(api.Address.ToString()),
            ["conditions"] = new JsonObject { ["ready"] = true },
        }),
        ["ports"] = new JsonArray(new JsonObject { ["name"] = PortName, ["port"] = api.Port, ["protocol"] = "TCP" }),
    });

    /// <summary>
    /// Why a Service written through the API may not be stored: it asks for the kubernetes
    /// service's address and is not that service (kube-apiserver's words, then what to do); null
    /// when it may. A Service that already holds the address (<paramref name="stored"/>, from a
    /// store older than the rule) keeps it through its updates: the address is only refused to
    /// a Service that asks for it.
    /// </summary>
    public static string? AddressProblem(KubeObject service, KubeObject? stored, ClusterNetwork network)
    {
        if (service.Kind != "Service" || IsIt(service) || !Holds(service, network.ApiServiceIp)
            || (stored != null && Holds(stored, network.ApiServiceIp)))
        {
            return null;
        }

        string ip = Ipv4Address.Format(network.ApiServiceIp);
        return $"spec.clusterIPs: Invalid value: []string{{\"{ip}\"}}: failed to allocate IP {ip}: provided IP is already allocated "
            + $"(to the {Name} service, {Namespace}/{Name}, where pods find the API); leave clusterIP out to get a free one";
    }

    private static string AddressTaken(ClusterNetwork network)
    {
        string ip = Ipv4Address.Format(network.ApiServiceIp);
        return $"Cluster IP {ip} is the {Name} service's ({Namespace}/{Name}, where pods find the API), but this service holds it, "
            + $"so there is no {Namespace}/{Name} while it does; this service is left as it is: recreate it without spec.clusterIP to give the address back";
    }

    /// <summary>A Warning on the object, unless one with the same reason and message is already recorded.</summary>
    private static void WarnOnce(ObjectStore store, KubeObject about, string message, DateTime now, Random random)
    {
        string? uid = (string?)about.Metadata["uid"];
        bool said = store.List("Event", about.Namespace).Items.Any(e => (string?)e.Json["involvedObject"]?["uid"] == uid
            && (string?)e.Json["type"] == "Warning" && (string?)e.Json["reason"] == AddressTakenReason && (string?)e.Json["message"] == message);
        if (!said)
        {
            store.Create(KubeEvents.Create(about, "Warning", AddressTakenReason, message, Component, now, random));
        }
    }

    private static bool IsIt(KubeObject service) => service.Namespace == Namespace && service.Name == Name;

    private static bool Holds(KubeObject service, uint address)
    {
        string ip = Ipv4Address.Format(address);
        return (string?)service.Spec?["clusterIP"] == ip
            || (service.Spec?["clusterIPs"] as JsonArray)?.Any(a => (string?)a == ip) == true;
    }

    private static JsonArray Ports(int apiPort) =>
        new(new JsonObject { ["name"] = PortName, ["port"] = Port, ["protocol"] = "TCP", ["targetPort"] = apiPort });
}
