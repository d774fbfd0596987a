using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Net;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Workloads.Tools
{
    /// <summary>
    /// `env` in a container: its environment as the kubelet makes it. PATH and HOSTNAME as the
    /// runtime sets them, the container's env and envFrom as the host sent them, then the
    /// Services' variables the kubelet writes, made here from the Services the board holds: those
    /// of the pod's namespace with a cluster IP (unless the pod turned service links off) and
    /// default's kubernetes, by name ({NAME}_SERVICE_HOST, _SERVICE_PORT, _SERVICE_PORT_{PORT},
    /// Docker's {NAME}_PORT, {NAME}_PORT_{port}_{PROTO} with _PROTO, _PORT, _ADDR), HOME last.
    /// Variables whose values come from Secrets are not on the board (Secrets do not cross the
    /// management line): they are named on stderr instead of printed.
    ///
    /// Printed a Service at a time as the exec's output ring has room, so a namespace of many
    /// Services is not cut short on a small board.
    /// </summary>
    public sealed class EnvTool : ITool
    {
        private readonly string _namespace;
        private readonly ContainerSpec _container;
        private readonly Service[] _services;
        private readonly bool _links;
        private readonly ToolOutput _output;
        private readonly ByteRing _ring;

        // The last Service name printed (null before the first); done once none is left.
        private string _last;
        private bool _done;

        private const int RoomForAService = 1024;

        public EnvTool(string ns, string podName, ContainerSpec container, Service[] services, bool serviceLinks, string withheld, ToolOutput output, ByteRing ring)
        {
            _namespace = ns;
            _container = container;
            _services = services;
            _links = serviceLinks;
            _output = output;
            _ring = ring;
            output.Line("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
            output.Line("HOSTNAME=" + podName);
            for (int i = 0; i < container.Env.Length; i++)
            {
                output.Line(container.Env[i]);
            }

            if (withheld != null && withheld.Length > 0)
            {
                output.ErrorLine("env: not shown: " + withheld + " (from a Secret: Secrets are not sent to boards over the management line)");
            }
        }

        public bool Done
        {
            get { return _done; }
        }

        public int ExitCode
        {
            get { return 0; }
        }

        public void Poll(long now)
        {
            while (!_done && _ring.Free >= RoomForAService)
            {
                string next = NextName();
                if (next == null)
                {
                    _output.Line("HOME=/root");
                    _done = true;
                    return;
                }

                PrintService(next);
                _last = next;
            }
        }

        public void Cancel()
        {
            _done = true;
        }

        // The next visible Service name after the last printed, in ordinal order (no sorted copy
        // of the table on the board: a scan per Service, and there are few).
        private string NextName()
        {
            string best = null;
            for (int i = 0; i < _services.Length; i++)
            {
                Service s = _services[i];
                if (Visible(s) && (_last == null || Ordinal(s.Name, _last) > 0) && (best == null || Ordinal(s.Name, best) < 0))
                {
                    best = s.Name;
                }
            }

            return best;
        }

        private bool Visible(Service s)
        {
            if (s.ClusterIp == 0 || s.Type == ServiceType.ExternalName)
            {
                return false;
            }

            if (_links && s.Namespace == _namespace)
            {
                return true;
            }

            // default's kubernetes always, unless a Service of the pod's namespace shadows it.
            return s.Namespace == "default" && s.Name == "kubernetes" && !(_links && Has(_namespace, "kubernetes"));
        }

        private bool Has(string ns, string name)
        {
            for (int i = 0; i < _services.Length; i++)
            {
                if (_services[i].Namespace == ns && _services[i].Name == name && _services[i].ClusterIp != 0)
                {
                    return true;
                }
            }

            return false;
        }

        private void PrintService(string serviceName)
        {
            string ns = _links && Has(_namespace, serviceName) ? _namespace : "default";
            string name = VariableName(serviceName);
            Service first = null;
            for (int i = 0; i < _services.Length; i++)
            {
                Service s = _services[i];
                if (s.Namespace != ns || s.Name != serviceName)
                {
                    continue;
                }

                if (first == null)
                {
                    first = s;
                    Print(name + "_SERVICE_HOST", Ipv4Address.Format(s.ClusterIp));
                    Print(name + "_SERVICE_PORT", s.Port.ToString());
                }

                if (s.PortName.Length > 0)
                {
                    Print(name + "_SERVICE_PORT_" + VariableName(s.PortName), s.Port.ToString());
                }
            }

            for (int i = 0; i < _services.Length; i++)
            {
                Service s = _services[i];
                if (s.Namespace != ns || s.Name != serviceName)
                {
                    continue;
                }

                string protocol = ProtocolName(s.Protocol);
                string url = protocol.ToLower() + "://" + Ipv4Address.Format(s.ClusterIp) + ":" + s.Port.ToString();
                if (s == first)
                {
                    Print(name + "_PORT", url);
                }

                string prefix = name + "_PORT_" + s.Port.ToString() + "_" + protocol;
                Print(prefix, url);
                Print(prefix + "_PROTO", protocol.ToLower());
                Print(prefix + "_PORT", s.Port.ToString());
                Print(prefix + "_ADDR", Ipv4Address.Format(s.ClusterIp));
            }
        }

        // A variable the container defines itself is its own, not the Service's.
        private void Print(string variable, string value)
        {
            string[] env = _container.Env;
            for (int i = 0; i < env.Length; i++)
            {
                if (env[i].Length > variable.Length && env[i][variable.Length] == '=' && env[i].StartsWith(variable))
                {
                    return;
                }
            }

            _output.Line(variable + "=" + value);
        }

        /// <summary>A Service or port name as a variable name: upper case, '-' as '_' (as the kubelet makes it).</summary>
        public static string VariableName(string name)
        {
            char[] chars = name.ToUpper().ToCharArray(); // no string.Replace on nanoFramework
            for (int i = 0; i < chars.Length; i++)
            {
                chars[i] = chars[i] == '-' ? '_' : chars[i];
            }

            return new string(chars);
        }

        private static string ProtocolName(byte protocol)
        {
            return protocol == IpProtocol.Udp ? "UDP" : protocol == 132 ? "SCTP" : "TCP";
        }

        private static int Ordinal(string a, string b)
        {
            int n = a.Length < b.Length ? a.Length : b.Length;
            for (int i = 0; i < n; i++)
            {
                if (a[i] != b[i])
                {
                    return a[i] - b[i];
                }
            }

            return a.Length - b.Length;
        }
    }
}
