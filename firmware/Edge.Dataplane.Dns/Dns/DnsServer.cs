using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Dns
{
    /// <summary>
    /// Answers queries per the Kubernetes DNS-Based Service Discovery specification (1.1.0,
    /// IPv4) from a <see cref="DnsZone"/>. Names it accepts under the zone (cluster.local):
    /// <code>
    ///   dns-version.Z                         TXT "1.1.0"
    ///   svc.ns.svc.Z                          A (ClusterIP, or every ready endpoint if headless), CNAME (ExternalName)
    ///   host.svc.ns.svc.Z                     A of a headless endpoint (hostname, or a-b-c-d from its address)
    ///   _port._proto.svc.ns.svc.Z             SRV per named port (per ready endpoint if headless), with A in additional
    ///   a-b-c-d.ns.pod.Z                      A, when such a pod exists in that namespace
    ///   d.c.b.a.in-addr.arpa                  PTR for service IPs and headless endpoints
    ///   Z, svc.Z, ns.svc.Z, pod.Z, ns.pod.Z   exist, without records of their own (NODATA)
    /// </code>
    /// Anything else in the zone is NXDOMAIN; both carry the SOA in authority (RFC 2308).
    /// Names outside the zone are forwarded when an upstream is set, else REFUSED: a board is
    /// never an open resolver by accident. Zero allocation per query.
    /// </summary>
    public sealed class DnsServer
    {
        /// <summary>Our EDNS UDP payload size (RFC 9715's safe default).</summary>
        public const int EdnsSize = 1232;

        private readonly DnsQuery _query = new DnsQuery();
        private readonly DnsWriter _writer = new DnsWriter();

        public readonly DnsZone Zone;

        /// <summary>Networks whose reverse names this server owns (service and pod CIDRs).</summary>
        public uint ServiceNetwork;
        public int ServicePrefix;
        public uint PodNetwork;
        public int PodPrefix;

        /// <summary>When set, names outside the zone are forwarded instead of REFUSED.</summary>
        public bool CanForward;

        public long Queries;
        public long Malformed;
        public long Refused;
        public long Forwarded;
        public long Truncated;

        public DnsServer(DnsZone zone)
        {
            Zone = zone;
        }

        /// <summary>The last query answered (for the transport: ID, name and type when forwarding).</summary>
        public DnsQuery Query
        {
            get { return _query; }
        }

        /// <summary>
        /// Answers the query at query[qOffset, +qLength) into response[rOffset..]. Returns the
        /// response length; 0 when the query should be forwarded upstream (see <see cref="Query"/>);
        /// -1 when it must be dropped. <paramref name="tcp"/> lifts the UDP size limits.
        /// </summary>
        public int Answer(byte[] query, int qOffset, int qLength, byte[] response, int rOffset, int capacity, bool tcp)
        {
            Queries++;
            int status = _query.Parse(query, qOffset, qLength);
            if (status < 0)
            {
                Malformed++;
                return -1;
            }

            int limit = tcp ? capacity : _query.HasEdns ? (_query.EdnsPayloadSize < EdnsSize ? _query.EdnsPayloadSize : EdnsSize) : 512;
            if (limit > capacity)
            {
                limit = capacity;
            }

            _writer.Begin(response, rOffset, limit, query, qOffset, _query.QuestionEnd, _query.Name);
            if (status != DnsRcode.NoError)
            {
                Malformed += status == DnsRcode.FormErr ? 1 : 0;
                return Finish(0, status);
            }

            if (_query.Class != DnsType.ClassIN && _query.Class != DnsType.ClassANY)
            {
                Refused++;
                return Finish(0, DnsRcode.Refused);
            }

            int zoneStart = ZoneStart();
            if (zoneStart >= 0)
            {
                return Finish(DnsHeader.AaFlag, InZone(zoneStart));
            }

            int reverse = Reverse();
            if (reverse != -2)
            {
                return Finish(DnsHeader.AaFlag, reverse);
            }

            if (CanForward && _query.RecursionDesired)
            {
                Forwarded++;
                return 0;
            }

            Refused++;
            return Finish(0, DnsRcode.Refused);
        }

        // Finishes the header (and OPT); on overflow, drops the records and sets TC.
        private int Finish(ushort flags, int rcode)
        {
            if (rcode == -1)
            {
                // A record did not fit: the client retries over TCP or with a larger buffer.
                Truncated++;
                _writer.Truncate(_query.QuestionEnd);
                flags |= DnsHeader.TcFlag;
                rcode = DnsRcode.NoError;
            }

            if (_query.HasEdns)
            {
                _writer.AddOpt(EdnsSize, rcode);
            }

            _writer.Finish(_query.Flags, (ushort)(flags | (CanForward ? DnsHeader.RaFlag : 0)), rcode & 0x0F);
            return _writer.Length;
        }

        // The label index (from the left) where the zone suffix starts, or -1 if out of zone.
        private int ZoneStart()
        {
            int zoneLabels = Zone.ZoneLabels;
            if (_query.LabelCount < zoneLabels)
            {
                return -1;
            }

            int zoneAt = 0;
            for (int i = _query.LabelCount - zoneLabels; i < _query.LabelCount; i++)
            {
                if (!DnsZone.SameLabel(_query.Name, _query.Labels[i], Zone.Zone, zoneAt))
                {
                    return -1;
                }

                zoneAt += Zone.Zone[zoneAt] + 1;
            }

            return _query.LabelCount - zoneLabels;
        }

        // Returns the rcode, or -1 when the answer did not fit.
        private int InZone(int zoneStart)
        {
            byte[] name = _query.Name;
            byte[] labels = _query.Labels;
            ushort type = _query.Type;
            if (zoneStart == 0)
            {
                if (type == DnsType.SOA || type == DnsType.ANY)
                {
                    return _writer.AddSoa(0, Zone.Zone, Zone.Ttl, Zone.SoaMname, Zone.SoaRname, Zone.Serial, Zone.Ttl) ? DnsRcode.NoError : -1;
                }

                if (type == DnsType.NS)
                {
                    return _writer.AddName(0, name, 0, DnsType.NS, Zone.Ttl, Zone.SoaMname, 0) ? DnsRcode.NoError : -1;
                }

                return NoData();
            }

            int last = labels[zoneStart - 1]; // the label just left of the zone
            if (zoneStart == 1 && DnsZone.LabelIs(name, last, "dns-version"))
            {
                if (type == DnsType.TXT || type == DnsType.ANY)
                {
                    return _writer.AddTxt(0, name, 0, Zone.Ttl, "1.1.0") ? DnsRcode.NoError : -1;
                }

                return NoData();
            }

            if (DnsZone.LabelIs(name, last, "svc"))
            {
                return Services(zoneStart - 1);
            }

            if (DnsZone.LabelIs(name, last, "pod"))
            {
                return Pods(zoneStart - 1);
            }

            return NxDomain();
        }

        // svcAt: index of the "svc" label; the labels left of it describe the service.
        private int Services(int svcAt)
        {
            byte[] name = _query.Name;
            byte[] labels = _query.Labels;
            ushort type = _query.Type;
            if (svcAt == 0)
            {
                return NoData();
            }

            if (svcAt == 1)
            {
                return Zone.HasNamespace(name, labels[0]) ? NoData() : NxDomain();
            }

            DnsService s = Zone.FindService(name, labels[svcAt - 2], labels[svcAt - 1]);
            if (s == null)
            {
                return NxDomain();
            }

            if (svcAt == 2)
            {
                if (s.ExternalWire != null)
                {
                    return _writer.AddName(0, name, 0, DnsType.CNAME, Zone.Ttl, s.ExternalWire, 0) ? DnsRcode.NoError : -1;
                }

                if (type != DnsType.A && type != DnsType.ANY)
                {
                    return NoData();
                }

                if (!s.Headless)
                {
                    return _writer.AddA(0, name, 0, Zone.Ttl, s.ClusterIp) ? DnsRcode.NoError : -1;
                }

                int answered = 0;
                for (int e = 0; e < s.EndpointAddresses.Length; e++)
                {
                    if (s.EndpointReady[e])
                    {
                        if (!_writer.AddA(0, name, 0, Zone.Ttl, s.EndpointAddresses[e]))
                        {
                            return -1;
                        }

                        answered++;
                    }
                }

                return answered > 0 ? DnsRcode.NoError : NoData();
            }

            if (svcAt == 3)
            {
                // host.svc.ns.svc.Z: a headless endpoint by hostname.
                int endpoint = FindEndpoint(s, labels[0]);
                if (endpoint < 0)
                {
                    return NxDomain();
                }

                if (type != DnsType.A && type != DnsType.ANY)
                {
                    return NoData();
                }

                return _writer.AddA(0, name, 0, Zone.Ttl, s.EndpointAddresses[endpoint]) ? DnsRcode.NoError : -1;
            }

            if (svcAt == 4)
            {
                int port = FindPort(s, labels[0], labels[1]);
                if (port < 0)
                {
                    return NxDomain();
                }

                if (type != DnsType.SRV && type != DnsType.ANY)
                {
                    return NoData();
                }

                return Srv(s, port);
            }

            return NxDomain();
        }

        // The service's name, built into one buffer when an answer names it (never kept per service).
        private readonly byte[] _fqdn = new byte[256];

        private byte[] Fqdn(DnsService s)
        {
            return Zone.WriteFqdn(s, _fqdn) > 0 ? _fqdn : null;
        }

        private int Srv(DnsService s, int port)
        {
            byte[] name = _query.Name;
            if (!s.Headless)
            {
                byte[] fqdn = Fqdn(s);
                if (fqdn == null || !_writer.AddSrv(0, name, 0, Zone.Ttl, 0, 100, s.PortNumbers[port], fqdn, 0))
                {
                    return -1;
                }

                return _writer.AddA(2, fqdn, 0, Zone.Ttl, s.ClusterIp) ? DnsRcode.NoError : -1;
            }

            int ready = 0;
            for (int e = 0; e < s.EndpointAddresses.Length; e++)
            {
                ready += s.EndpointReady[e] ? 1 : 0;
            }

            if (ready == 0)
            {
                return NoData();
            }

            ushort weight = (ushort)(100 / ready);
            for (int e = 0; e < s.EndpointAddresses.Length; e++)
            {
                if (s.EndpointReady[e])
                {
                    ushort number = s.EndpointPorts.Length > e * s.PortNames.Length + port ? s.EndpointPorts[e * s.PortNames.Length + port] : s.PortNumbers[port];
                    if (!_writer.AddSrv(0, name, 0, Zone.Ttl, 0, weight, number, s.EndpointFqdns[e], 0))
                    {
                        return -1;
                    }
                }
            }

            for (int e = 0; e < s.EndpointAddresses.Length; e++)
            {
                if (s.EndpointReady[e] && !_writer.AddA(2, s.EndpointFqdns[e], 0, Zone.Ttl, s.EndpointAddresses[e]))
                {
                    return -1;
                }
            }

            return DnsRcode.NoError;
        }

        // podAt: index of the "pod" label. a-b-c-d.ns.pod.Z answers when such a pod exists.
        private int Pods(int podAt)
        {
            byte[] name = _query.Name;
            byte[] labels = _query.Labels;
            if (podAt == 0)
            {
                return NoData();
            }

            if (podAt == 1)
            {
                return NoData();
            }

            uint address;
            if (podAt != 2 || !DashedAddress(name, labels[0], out address) || !Zone.HasPod(address, name, labels[1]))
            {
                return NxDomain();
            }

            if (_query.Type != DnsType.A && _query.Type != DnsType.ANY)
            {
                return NoData();
            }

            return _writer.AddA(0, name, 0, Zone.Ttl, address) ? DnsRcode.NoError : -1;
        }

        // d.c.b.a.in-addr.arpa for our service and pod networks; -2 when not ours.
        private int Reverse()
        {
            byte[] name = _query.Name;
            byte[] labels = _query.Labels;
            if (_query.LabelCount != 6 || !DnsZone.LabelIs(name, labels[4], "in-addr") || !DnsZone.LabelIs(name, labels[5], "arpa"))
            {
                return -2;
            }

            uint address = 0;
            for (int i = 3; i >= 0; i--)
            {
                int octet;
                if (!Number(name, labels[i], out octet) || octet > 255)
                {
                    return -2;
                }

                address = (address << 8) | (uint)octet;
            }

            if (!Ipv4Address.InPrefix(address, ServiceNetwork, ServicePrefix) && !Ipv4Address.InPrefix(address, PodNetwork, PodPrefix))
            {
                return -2;
            }

            int endpoint;
            DnsService s = Zone.FindByAddress(address, out endpoint);
            if (s == null)
            {
                return NxDomain();
            }

            if (_query.Type != DnsType.PTR && _query.Type != DnsType.ANY)
            {
                return NoData();
            }

            byte[] target = endpoint >= 0 ? s.EndpointFqdns[endpoint] : Fqdn(s);
            return target != null && _writer.AddName(0, name, 0, DnsType.PTR, Zone.Ttl, target, 0) ? DnsRcode.NoError : -1;
        }

        private int NoData()
        {
            return _writer.AddSoa(1, Zone.Zone, Zone.Ttl, Zone.SoaMname, Zone.SoaRname, Zone.Serial, Zone.Ttl) ? DnsRcode.NoError : -1;
        }

        private int NxDomain()
        {
            return _writer.AddSoa(1, Zone.Zone, Zone.Ttl, Zone.SoaMname, Zone.SoaRname, Zone.Serial, Zone.Ttl) ? DnsRcode.NXDomain : -1;
        }

        private int FindEndpoint(DnsService s, int hostLabel)
        {
            if (!s.Headless)
            {
                return -1;
            }

            for (int e = 0; e < s.EndpointFqdns.Length; e++)
            {
                if (s.EndpointReady[e] && DnsZone.SameLabel(s.EndpointFqdns[e], 0, _query.Name, hostLabel))
                {
                    return e;
                }
            }

            return -1;
        }

        private int FindPort(DnsService s, int portLabel, int protocolLabel)
        {
            byte[] name = _query.Name;
            bool tcp = DnsZone.LabelIs(name, protocolLabel, "_tcp");
            bool udp = DnsZone.LabelIs(name, protocolLabel, "_udp");
            if (!tcp && !udp)
            {
                return -1;
            }

            for (int p = 0; p < s.PortNames.Length; p++)
            {
                if (DnsZone.LabelIsPortName(name, portLabel, s.PortNames[p])
                    && s.PortProtocols[p] == (tcp ? IpProtocol.Tcp : IpProtocol.Udp))
                {
                    return p;
                }
            }

            return -1;
        }

        // "10-244-1-5" to an address.
        private static bool DashedAddress(byte[] name, int label, out uint address)
        {
            address = 0;
            int length = name[label];
            int octets = 0;
            int value = -1;
            for (int i = 0; i <= length; i++)
            {
                byte c = i < length ? name[label + 1 + i] : (byte)'-';
                if (c >= '0' && c <= '9')
                {
                    value = (value < 0 ? 0 : value * 10) + (c - '0');
                    if (value > 255)
                    {
                        return false;
                    }
                }
                else if (c == '-' && value >= 0 && octets < 4)
                {
                    address = (address << 8) | (uint)value;
                    octets++;
                    value = -1;
                }
                else
                {
                    return false;
                }
            }

            return octets == 4;
        }

        private static bool Number(byte[] name, int label, out int value)
        {
            value = 0;
            int length = name[label];
            if (length == 0 || length > 3)
            {
                return false;
            }

            for (int i = 0; i < length; i++)
            {
                byte c = name[label + 1 + i];
                if (c < '0' || c > '9')
                {
                    return false;
                }

                value = value * 10 + (c - '0');
            }

            return true;
        }
    }
}
