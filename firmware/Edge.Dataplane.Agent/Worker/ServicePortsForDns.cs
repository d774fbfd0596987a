using Edge.Dataplane.Dns;
using Edge.Dataplane.Proxy;

namespace Edge.Dataplane.Worker
{
    /// <summary>The node's service table as cluster DNS reads it: Dns and Proxy are siblings and know nothing of each other.</summary>
    public sealed class ServicePortsForDns : IServicePorts
    {
        private readonly ServiceTable _table;

        public ServicePortsForDns(ServiceTable table)
        {
            _table = table;
        }

        public int Capacity
        {
            get { return _table.Capacity; }
        }

        public int Version
        {
            get { return _table.Version; }
        }

        public bool Read(int slot, ServicePortEntry entry)
        {
            Service s = _table.At(slot);
            if (s == null || s.ClusterIp == 0 || s.Type == ServiceType.ExternalName)
            {
                return false;
            }

            entry.Namespace = s.Namespace;
            entry.Name = s.Name;
            entry.ClusterIp = s.ClusterIp;
            entry.PortName = s.PortName;
            entry.Protocol = s.Protocol;
            entry.Port = s.Port;
            return true;
        }
    }
}
