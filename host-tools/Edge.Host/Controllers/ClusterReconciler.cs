using System.Text.Json.Nodes;
using Edge.Dataplane.Wire;
using Edge.Host.Allocation;
using Edge.Host.Compile;
using Edge.Host.Objects;
using Edge.Host.Scheduling;
using Edge.Host.Store;

namespace Edge.Host.Controllers;

/// <summary>
/// The controllers, run as one level-triggered pass over the store: give services their
/// addresses, walk deployments toward their templates, place pending pods, judge nodes by
/// their heartbeats, write each service's endpoints, and publish where load balancers and
/// ingresses are reached. Every pass reads the store afresh,
/// so a restarted control plane simply carries on; run passes until one writes nothing.
/// </summary>
public sealed class ClusterReconciler
{
    private readonly ObjectStore _store;
    private readonly ClusterNetwork _network;
    private readonly Random _random;
    private readonly Func<DateTime> _clock;
    private readonly NodeLifecycleSettings _lifecycle;
    private readonly System.Net.IPEndPoint? _api;
    private readonly Dictionary<string, DateTime> _heartbeats = [];
    private int _writes;

    public ClusterReconciler(ObjectStore store, ClusterNetwork network, Random random, Func<DateTime> clock, NodeLifecycleSettings lifecycle, System.Net.IPEndPoint? api = null)
    {
        _store = store;
        _network = network;
        _random = random;
        _clock = clock;
        _lifecycle = lifecycle;
        _api = api; // where the API is served: the kubernetes Service's endpoints (none without it)

        // The store is the truth: claim what stored services and nodes already hold.
        foreach (KubeObject service in store.List("Service").Items)
        {
            if (Ipv4Address.TryParse((string?)service.Spec?["clusterIP"] ?? "", out uint ip))
            {
                network.MarkServiceIp(ip);
            }

            foreach (JsonNode? port in service.Spec?["ports"] as JsonArray ?? [])
            {
                if (JsonNumbers.AsInt(port?["nodePort"]) is int nodePort)
                {
                    network.MarkNodePort(nodePort);
                }
            }
        }

        foreach (KubeObject node in store.List("Node").Items)
        {
            if ((string?)node.Spec?["podCIDR"] is string cidr)
            {
                network.MarkPodCidr(cidr);
            }
        }
    }

    /// <summary>A board said it is alive (a heartbeat on its session).</summary>
    public void RecordHeartbeat(string node, DateTime at) => _heartbeats[node] = at;

    /// <summary>One pass of every controller; returns how many objects it wrote.</summary>
    public int ReconcileOnce()
    {
        _writes = KubernetesService.Reconcile(_store, _network, _api, _clock(), _random); // first: a Service it puts back is not a stale one to the endpoints controller
        AllocateServices();
        AllocateOverlayPeers();
        ReconcileDeployments();
        JudgeNodes();
        SchedulePods();
        ConfigurePods();
        WriteEndpoints();
        PublishLoadBalancers();
        PublishIngressAddresses();
        return _writes;
    }

    /// <summary>Passes until one writes nothing (bounded, so a controller that never settles is visible, not a hang).</summary>
    public int ReconcileUntilSettled(int maxPasses = 50)
    {
        int total = 0;
        for (int pass = 0; pass < maxPasses; pass++)
        {
            int writes = ReconcileOnce();
            total += writes;
            if (writes == 0)
            {
                return total;
            }
        }

        throw new InvalidOperationException($"controllers did not settle in {maxPasses} passes");
    }

    private void AllocateServices()
    {
        foreach (KubeObject service in _store.List("Service").Items)
        {
            JsonObject spec = service.Spec ?? [];
            string type = (string?)spec["type"] ?? "ClusterIP";
            bool changed = false;
            if (type != "ExternalName" && spec["clusterIP"] == null)
            {
                spec["clusterIP"] = Ipv4Address.Format(_network.AllocateServiceIp(null));
                changed = true;
            }

            if (type is "NodePort" or "LoadBalancer" && spec["ports"] is JsonArray ports)
            {
                for (int i = 0; i < ports.Count; i++)
                {
                    if (ports[i] is JsonObject port && port["nodePort"] == null)
                    {
                        port["nodePort"] = _network.AllocateNodePort(null, $"spec.ports[{i}].nodePort");
                        changed = true;
                    }
                }
            }

            if (changed)
            {
                Write(() => _store.Update(service));
            }
        }
    }

    /// <summary>
    /// A joined host gets an overlay range of its own from 10.250.0.0/16, outside the cluster's pod
    /// CIDR: 10.250.K.0/24 with K the lowest free (its VTEP, and the host's overlay address, is .0).
    /// </summary>
    private void AllocateOverlayPeers()
    {
        List<KubeObject> peers = _store.List("OverlayPeer").Items;
        var taken = peers.Select(p => (string?)p.Spec?["podCIDR"]).Where(c => c != null).ToHashSet();
        foreach (KubeObject peer in peers.Where(p => p.Spec?["podCIDR"] == null))
        {
            string? free = Enumerable.Range(0, 256).Select(k => $"10.250.{k}.0/24").FirstOrDefault(c => !taken.Contains(c));
            if (free != null)
            {
                JsonObject spec = peer.Spec ?? (JsonObject)(peer.Json["spec"] = new JsonObject());
                spec["podCIDR"] = free;
                taken.Add(free);
                Write(() => _store.Update(peer));
            }
        }
    }

    private void ReconcileDeployments()
    {
        List<KubeObject> pods = _store.List("Pod").Items;
        List<KubeObject> replicaSets = _store.List("ReplicaSet").Items;
        foreach (KubeObject deployment in _store.List("Deployment").Items)
        {
            string? uid = (string?)deployment.Metadata["uid"];
            List<KubeObject> owned = pods.Where(p => p.ControllerUid == uid).ToList();
            DeploymentPlan plan = DeploymentPlanner.Plan(deployment, owned, _random);
            foreach (string name in plan.Delete)
            {
                Write(() => _store.Delete("Pod", deployment.Namespace, name));
            }

            foreach (KubeObject pod in plan.Create)
            {
                try
                {
                    Write(() => _store.Create(pod));
                }
                catch (StoreException e) when (e.Error is StoreError.Forbidden or StoreError.Invalid)
                {
                    // Admission refused the template's pod (a LimitRange it breaks): the replicaset
                    // controller's FailedCreate on the revision's ReplicaSet (written later in this pass
                    // when it is new, so said from the next), once (the pod's random suffix left out, so
                    // each pass's new name is not news), and the next pass tries again (the range may change).
                    string suffix = pod.Name[(pod.Name.LastIndexOf('-') + 1)..];
                    if (_store.Get("ReplicaSet", deployment.Namespace, $"{deployment.Name}-{pod.Labels.GetValueOrDefault("pod-template-hash")}") is KubeObject revision)
                    {
                        Warn(revision, [("FailedCreate", "Error creating: " + e.Message.Replace($"\"{pod.Name}\"", $"\"{pod.Name[..^suffix.Length]}\"", StringComparison.Ordinal))]);
                    }
                }
            }

            ReplicaSetSync revisions = ReplicaSetHistory.Sync(deployment, replicaSets.Where(rs => rs.ControllerUid == uid).ToList(), owned, plan);
            WriteReplicaSets(deployment.Namespace, revisions);
            var annotations = deployment.Metadata["annotations"] as JsonObject ?? (JsonObject)(deployment.Metadata["annotations"] = new JsonObject());
            bool revised = (string?)annotations[ReplicaSetHistory.RevisionAnnotation] != revisions.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture);
            annotations[ReplicaSetHistory.RevisionAnnotation] = revisions.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture);

            var status = new JsonObject
            {
                ["observedGeneration"] = JsonNumbers.AsLong(deployment.Metadata["generation"]) ?? 1,
                ["replicas"] = plan.Replicas - plan.Delete.Count + plan.Create.Count,
                ["updatedReplicas"] = plan.UpdatedReplicas + plan.Create.Count,
                ["readyReplicas"] = plan.ReadyReplicas,
                ["availableReplicas"] = plan.ReadyReplicas,
            };
            if (revised || !JsonNode.DeepEquals(status, deployment.Json["status"]))
            {
                deployment.Json["status"] = status;
                Write(() => _store.Update(deployment));
            }
        }

        // Garbage collection: pods and replica sets whose deployment is gone go too.
        var deployments = _store.List("Deployment").Items.Select(d => (string?)d.Metadata["uid"]).ToHashSet();
        foreach (KubeObject orphan in pods.Concat(replicaSets).Where(p => p.ControllerUid is string owner && !deployments.Contains(owner)))
        {
            Write(() => _store.Delete(orphan.Kind, orphan.Namespace, orphan.Name));
        }
    }

    /// <summary>A deployment's replica sets as <see cref="ReplicaSetHistory"/> left them: written when they changed, the ones past the history limit deleted.</summary>
    private void WriteReplicaSets(string ns, ReplicaSetSync revisions)
    {
        foreach (KubeObject rs in revisions.Write)
        {
            KubeObject? stored = _store.Get("ReplicaSet", ns, rs.Name);
            if (stored == null)
            {
                Write(() => _store.Create(rs));
            }
            else if (!JsonNode.DeepEquals(stored.Json, rs.Json))
            {
                Write(() => _store.Update(rs));
            }
        }

        foreach (string name in revisions.Delete)
        {
            Write(() => _store.Delete("ReplicaSet", ns, name));
        }
    }

    private void JudgeNodes()
    {
        DateTime now = _clock();
        foreach (KubeObject node in _store.List("Node").Items)
        {
            if (!_heartbeats.TryGetValue(node.Name, out DateTime heartbeat))
            {
                // Not heard from since this control plane started: give it the full grace period from
                // now, as Kubernetes' node lifecycle controller does after a restart. Counting from the
                // stored heartbeat would evict every pod of a cluster whose control plane was down a while.
                heartbeat = now;
                _heartbeats[node.Name] = heartbeat;
            }

            NodeVerdict verdict = NodeLifecycle.Evaluate(node, heartbeat, now, _lifecycle);
            if (verdict.ConditionChanged)
            {
                NodeLifecycle.Apply(node, verdict, heartbeat, now);
                Write(() => _store.Update(node));
                RecordEvent(node, "Normal", verdict.Ready ? "NodeReady" : "NodeNotReady",
                    verdict.Ready ? $"Node {node.Name} status is now: NodeReady" : $"Node {node.Name} status is now: NodeNotReady ({verdict.Message})");
            }

            if (!verdict.Ready)
            {
                // As Kubernetes' node lifecycle controller does: a silent node's pods are no longer
                // Ready, so every other board stops sending them traffic long before eviction.
                foreach (KubeObject pod in _store.List("Pod").Items.Where(p => (string?)p.Spec?["nodeName"] == node.Name))
                {
                    if (NodeLifecycle.MarkPodNotReady(pod, now))
                    {
                        Write(() => _store.Update(pod));
                    }
                }
            }

            if (verdict.EvictPods)
            {
                foreach (KubeObject pod in _store.List("Pod").Items.Where(p => (string?)p.Spec?["nodeName"] == node.Name))
                {
                    Write(() => _store.Delete("Pod", pod.Namespace, pod.Name));
                }
            }
        }
    }

    /// <summary>
    /// The kubelet's container configuration for the pods bound to a board that have not started
    /// (<see cref="ContainerConfig"/>): CreateContainerConfigError while a ConfigMap or Secret they
    /// need is missing, with one Warning event per message, and released when it is there.
    /// </summary>
    private void ConfigurePods()
    {
        List<KubeObject> waiting = _store.List("Pod").Items.Where(ContainerConfig.NotStarted).ToList();
        if (waiting.Count == 0)
        {
            return;
        }

        var sources = new ContainerEnvironment.Sources(_store.List("ConfigMap").Items, _store.List("Secret").Items, _store.List("Service").Items);
        foreach (KubeObject pod in waiting)
        {
            string? problem = ContainerConfig.Problem(pod, sources);
            if (ContainerConfig.Apply(pod, problem))
            {
                Write(() => _store.Update(pod));
                if (problem != null)
                {
                    Warn(pod, [("Failed", "Error: " + problem)]);
                }
            }
        }
    }

    private void SchedulePods()
    {
        List<KubeObject> nodes = _store.List("Node").Items;
        List<KubeObject> pods = _store.List("Pod").Items;
        var bound = pods.Where(p => p.Spec?["nodeName"] != null).ToList();
        foreach (KubeObject pod in pods.Where(p => p.Spec?["nodeName"] == null).OrderBy(p => p.Namespace).ThenBy(p => p.Name, StringComparer.Ordinal))
        {
            SchedulingDecision decision = Scheduler.Schedule(pod, nodes, bound);
            JsonObject status = pod.Json["status"] as JsonObject ?? (JsonObject)(pod.Json["status"] = new JsonObject { ["phase"] = "Pending" });
            string? address = decision.Scheduled ? PodAddressOn(nodes.First(n => n.Name == decision.NodeName), bound) : null;
            if (decision.Scheduled && address == null)
            {
                decision = new SchedulingDecision(null, $"0/{nodes.Count} nodes are available: node {decision.NodeName} has no free address in its pod CIDR.");
            }

            if (decision.Scheduled)
            {
                pod.Spec!["nodeName"] = decision.NodeName;
                status["podIP"] = address;
                status["conditions"] = new JsonArray(new JsonObject { ["type"] = "PodScheduled", ["status"] = "True" });
                Write(() => _store.Update(pod));
                bound.Add(pod);
                RecordEvent(pod, "Normal", "Scheduled", $"Successfully assigned {pod.Namespace}/{pod.Name} to {decision.NodeName}");
            }
            else if ((string?)status["conditions"]?[0]?["message"] != decision.FailureMessage)
            {
                status["conditions"] = new JsonArray(new JsonObject
                {
                    ["type"] = "PodScheduled", ["status"] = "False", ["reason"] = "Unschedulable", ["message"] = decision.FailureMessage,
                });
                Write(() => _store.Update(pod));
                RecordEvent(pod, "Warning", "FailedScheduling", decision.FailureMessage!);
            }
        }
    }

    /// <summary>
    /// The pod's address, given when it is bound (Edge's IPAM is the control plane's, so every
    /// board's tables can name the pod before it starts): the lowest free host of the node's
    /// /24 from .2 (.0 is the node's VXLAN endpoint, .1 its gateway).
    /// </summary>
    private static string? PodAddressOn(KubeObject node, List<KubeObject> bound)
    {
        if (!Ipv4Address.TryParseCidr((string?)node.Spec?["podCIDR"] ?? "", out uint network, out _))
        {
            return null;
        }

        var taken = bound.Where(p => (string?)p.Spec?["nodeName"] == node.Name)
            .Select(p => (string?)p.Json["status"]?["podIP"]).ToHashSet();
        for (uint host = 2; host < 255; host++)
        {
            string candidate = Ipv4Address.Format(network + host);
            if (!taken.Contains(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private void WriteEndpoints()
    {
        List<KubeObject> pods = _store.List("Pod").Items;
        List<KubeObject> services = _store.List("Service").Items;
        var slices = new HashSet<(string, string)>();
        foreach (KubeObject service in services)
        {
            if (EndpointsBuilder.Build(service, pods) is KubeObject endpoints)
            {
                Write(() => _store.Apply(endpoints).Outcome != ApplyOutcome.Unchanged);
                foreach (KubeObject slice in EndpointSliceBuilder.Build(endpoints))
                {
                    slices.Add((slice.Namespace, slice.Name));
                    Write(() => _store.Apply(slice).Outcome != ApplyOutcome.Unchanged);
                }
            }
        }

        var names = services.Select(s => (s.Namespace, s.Name)).ToHashSet();
        foreach (KubeObject stale in _store.List("Endpoints").Items.Where(e => !names.Contains((e.Namespace, e.Name))))
        {
            Write(() => _store.Delete("Endpoints", stale.Namespace, stale.Name));
        }

        // Slices this controller made that no service's endpoints give any more (their ports changed, or the service went).
        foreach (KubeObject stale in _store.List("EndpointSlice").Items.Where(e =>
            (string?)e.Metadata["labels"]?[EndpointSliceBuilder.ManagedByLabel] == EndpointSliceBuilder.Manager && !slices.Contains((e.Namespace, e.Name))))
        {
            Write(() => _store.Delete("EndpointSlice", stale.Namespace, stale.Name));
        }
    }

    /// <summary>
    /// A LoadBalancer's external addresses are the Ready nodes' own, as k3s's ServiceLB gives
    /// them: every board listens on the service port itself (status.loadBalancer.ingress).
    /// </summary>
    private void PublishLoadBalancers()
    {
        List<KubeObject> nodes = _store.List("Node").Items;
        var addresses = nodes.Where(Scheduler.IsReady).Select(BoardStateCompiler.BoardAddress).Where(a => a != 0)
            .Select(Ipv4Address.Format).Order(StringComparer.Ordinal).ToList();
        foreach (KubeObject service in _store.List("Service").Items.Where(s => (string?)s.Spec?["type"] == "LoadBalancer"))
        {
            var status = new JsonObject
            {
                ["loadBalancer"] = addresses.Count == 0
                    ? new JsonObject()
                    : new JsonObject { ["ingress"] = new JsonArray(addresses.Select(a => (JsonNode)new JsonObject { ["ip"] = a }).ToArray()) },
            };
            if (!JsonNode.DeepEquals(status, service.Json["status"]))
            {
                service.Json["status"] = status;
                Write(() => _store.Update(service));
            }
        }
    }

    /// <summary>The addresses of the Ingresses Edge serves: the Ready nodes' (<see cref="IngressStatusController"/>).</summary>
    private void PublishIngressAddresses()
    {
        List<KubeObject> nodes = _store.List("Node").Items;
        List<KubeObject> classes = _store.List("IngressClass").Items;
        List<KubeObject> services = _store.List("Service").Items;
        List<KubeObject> secrets = _store.List("Secret").Items;
        foreach (KubeObject ingress in _store.List("Ingress").Items)
        {
            if (IngressClasses.ServedByEdge(ingress, classes))
            {
                Warn(ingress, IngressBackendCheck.Problems(ingress, services).Select(p => (IngressBackendCheck.Reason, p)));
                if (!IngressAnnotations.IsCanary(ingress)) // ingress-nginx takes no TLS from a canary: there is nothing to say about it
                {
                    Warn(ingress, IngressTlsCheck.Problems(ingress, secrets, nodes));
                }
            }

            if (IngressStatusController.Status(ingress, classes, nodes) is JsonObject status && !JsonNode.DeepEquals(status, ingress.Json["status"]))
            {
                ingress.Json["status"] = status;
                Write(() => _store.Update(ingress));
            }
        }
    }

    /// <summary>
    /// A Warning event for each problem with an object (an Ingress's backend that is not there,
    /// <see cref="IngressBackendCheck"/>; TLS it cannot serve, <see cref="IngressTlsCheck"/>; a
    /// Deployment's pod that admission refused), once: an event already recorded with the same
    /// reason and message is not written again.
    /// </summary>
    private void Warn(KubeObject ingress, IEnumerable<(string Reason, string Message)> problems)
    {
        List<(string Reason, string Message)> found = problems.ToList();
        if (found.Count == 0)
        {
            return;
        }

        string? uid = (string?)ingress.Metadata["uid"];
        var said = _store.List("Event", ingress.Namespace).Items
            .Where(e => (string?)e.Json["involvedObject"]?["uid"] == uid && (string?)e.Json["type"] == "Warning")
            .Select(e => ((string?)e.Json["reason"], (string?)e.Json["message"]))
            .ToHashSet();
        foreach ((string reason, string message) in found.Where(p => !said.Contains(p)))
        {
            RecordEvent(ingress, "Warning", reason, message);
        }
    }

    private void RecordEvent(KubeObject about, string type, string reason, string message) =>
        _store.Create(KubeEvents.Create(about, type, reason, message, "edge-controllers", _clock(), _random)); // a record, not state the pass converges on: not counted as writes

    private void Write(Action write) => Write(() =>
    {
        write();
        return true;
    });

    private void Write(Func<bool> write)
    {
        try
        {
            if (write())
            {
                _writes++;
            }
        }
        catch (StoreException e) when (e.Error is StoreError.Conflict or StoreError.NotFound or StoreError.AlreadyExists)
        {
            _writes++; // someone else wrote first; the next pass sees the latest and decides again
        }
    }
}
