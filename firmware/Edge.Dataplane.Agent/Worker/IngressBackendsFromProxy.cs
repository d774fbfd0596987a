using Edge.Dataplane.Ingress;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Worker
{
    /// <summary>
    /// The service proxy's endpoint choice, as the ingress asks for it: Ingress and Proxy are
    /// siblings and know nothing of each other. The client kube-proxy sees is the ingress, at the
    /// node's own address (it connects from the node's sandbox), as it sees an ingress
    /// controller's pod: internalTrafficPolicy applies, and ClientIP affinity is the node's.
    /// </summary>
    public sealed class IngressBackendsFromProxy : IIngressBackends
    {
        private readonly ServiceProxy _proxy;
        private readonly uint _node;

        public IngressBackendsFromProxy(ServiceProxy proxy, uint nodeAddress)
        {
            _proxy = proxy;
            _node = nodeAddress;
        }

        public int Choose(string ns, string service, ushort port, uint client, long now, out uint address, out ushort endpointPort)
        {
            address = 0;
            endpointPort = 0;
            ServiceTable table = _proxy.Services;
            Service found = null;
            for (int slot = 0; slot < table.Capacity && found == null; slot++)
            {
                Service s = table.At(slot);
                if (s != null && s.Port == port && s.Protocol == IpProtocol.Tcp && s.Name == service && s.Namespace == ns)
                {
                    found = s;
                }
            }

            if (found == null)
            {
                return BackendChoice.NoService;
            }

            int endpoint = _proxy.Choose(found, _node, false, now);
            if (endpoint < 0)
            {
                table.CountRejected(found);
                return BackendChoice.NoEndpoint;
            }

            table.CountConnection(found);
            if (found.ClientIpAffinity)
            {
                _proxy.Affinity.Set(_node, found.Slot, found.EndpointAddresses[endpoint], found.EndpointPorts[endpoint], now);
            }

            address = found.EndpointAddresses[endpoint];
            endpointPort = found.EndpointPorts[endpoint];
            return BackendChoice.Picked;
        }
    }
}
