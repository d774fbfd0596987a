using Edge.Dataplane.Net;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Dns
{
    /// <summary>
    /// A pod's stub resolver with Kubernetes' resolv.conf semantics:
    /// <code>
    ///   nameserver 10.96.0.10
    ///   search &lt;namespace&gt;.svc.cluster.local svc.cluster.local cluster.local
    ///   options ndots:5
    /// </code>
    /// A name with fewer than five dots is tried with each search domain first, then as is;
    /// a name with five or more, as is first; a name ending in a dot, only as is. Each try is
    /// one UDP query (retried once after <see cref="TimeoutMs"/>); NXDOMAIN or an empty answer
    /// moves to the next try. Polled, never blocks. CNAMEs in an answer are followed.
    /// </summary>
    public sealed class DnsResolver
    {
        public const int TimeoutMs = 2000;
        public const int Ndots = 5;

        public const int Running = 0;
        public const int Found = 1;
        public const int NotFound = 2;
        public const int Failed = 3;

        private readonly UdpSocket _socket;
        private readonly uint _server;
        private readonly string[] _tries;
        private readonly ushort _type;
        private readonly byte[] _buffer = new byte[1232];
        private int _try;
        private int _attempt;
        private long _sentAt = -1;
        private ushort _id;

        public int State;

        /// <summary>The addresses found (A records), and the name they were found under.</summary>
        public uint[] Addresses = Empty.UInts;
        public string CanonicalName = "";

        /// <summary>CNAMEs in the answer as "owner\tcanonical name = target" lines (an ExternalName service is only this).</summary>
        public string[] AliasLines = Empty.Strings;

        /// <summary>The rcode of every try that failed, for nslookup's "server can't find" lines.</summary>
        public readonly string[] Misses;
        public readonly int[] MissCodes;
        public int MissCount;

        /// <summary>Answer records as zone-file lines (for dig).</summary>
        public string[] AnswerLines = Empty.Strings;
        public int Rcode;

        /// <summary>Looks a name up the way the pod's resolv.conf says (search list and ndots when search is set).</summary>
        public DnsResolver(PodSandbox pod, string name, ushort type, bool search)
            : this(pod, pod.DnsServer, name, type, search)
        {
        }

        public DnsResolver(PodSandbox pod, uint server, string name, ushort type, bool search)
        {
            _server = server;
            _type = type;
            _socket = pod.OpenUdp(0);
            _id = (ushort)pod.Node.Random.NextUInt32();
            _tries = Candidates(name, pod.Namespace, pod.ClusterDomain, search);
            Misses = new string[_tries.Length];
            MissCodes = new int[_tries.Length];
            State = _socket == null ? Failed : Running;
        }

        /// <summary>The names tried, in order, as resolv.conf's search and ndots say.</summary>
        public static string[] Candidates(string name, string ns, string zone, bool search)
        {
            if (name.EndsWith(".") || !search)
            {
                return new string[] { name.TrimEnd('.') };
            }

            string[] domains = { ns + ".svc." + zone, "svc." + zone, zone };
            int dots = 0;
            for (int i = 0; i < name.Length; i++)
            {
                dots += name[i] == '.' ? 1 : 0;
            }

            string[] tries = new string[domains.Length + 1];
            int at = 0;
            if (dots >= Ndots)
            {
                tries[at++] = name;
            }

            for (int i = 0; i < domains.Length; i++)
            {
                tries[at++] = name + "." + domains[i];
            }

            if (dots < Ndots)
            {
                tries[at] = name;
            }

            return tries;
        }

        public bool Done
        {
            get { return State != Running; }
        }

        public void Poll(long now)
        {
            if (State != Running)
            {
                return;
            }

            if (_sentAt < 0 || (now - _sentAt >= TimeoutMs && _attempt < 2))
            {
                Send(now);
                return;
            }

            uint from;
            ushort port;
            int n;
            while ((n = _socket.ReceiveFrom(_buffer, 0, _buffer.Length, out from, out port)) >= 0)
            {
                if (from != _server || port != 53 || n < DnsHeader.Length || NetworkOrder.ReadU16(_buffer, 0) != _id)
                {
                    continue; // not the answer we wait for
                }

                Read(n, now);
                return;
            }

            if (now - _sentAt >= TimeoutMs && _attempt >= 2)
            {
                Finish(Failed);
            }
        }

        private void Send(long now)
        {
            _id++;
            byte[] name = DnsName.FromText(_tries[_try]);
            if (name == null)
            {
                Miss(DnsRcode.FormErr);
                return;
            }

            int at = DnsHeader.Length;
            for (int i = 0; i < at; i++)
            {
                _buffer[i] = 0;
            }

            NetworkOrder.WriteU16(_buffer, DnsHeader.IdField, _id);
            NetworkOrder.WriteU16(_buffer, DnsHeader.FlagsField, DnsHeader.RdFlag);
            NetworkOrder.WriteU16(_buffer, DnsHeader.QuestionCountField, 1);
            System.Array.Copy(name, 0, _buffer, at, name.Length);
            at += name.Length;
            NetworkOrder.WriteU16(_buffer, at, _type);
            NetworkOrder.WriteU16(_buffer, at + 2, DnsType.ClassIN);
            at += 4;
            _socket.SendTo(_server, 53, _buffer, 0, at);
            _sentAt = now;
            _attempt++;
        }

        private void Read(int length, long now)
        {
            int rcode = NetworkOrder.ReadU16(_buffer, DnsHeader.FlagsField) & 0x0F;
            Rcode = rcode;
            int answers = NetworkOrder.ReadU16(_buffer, DnsHeader.AnswerCountField);
            int at = DnsName.Skip(_buffer, DnsHeader.Length, length) + 4;
            uint[] found = new uint[answers];
            string[] lines = new string[answers];
            string[] aliases = new string[answers];
            int count = 0;
            int aliasCount = 0;
            for (int i = 0; i < answers && at > 0 && at < length; i++)
            {
                int owner = at;
                at = DnsName.Skip(_buffer, at, length);
                if (at < 0 || at + 10 > length)
                {
                    break;
                }

                ushort type = NetworkOrder.ReadU16(_buffer, at);
                uint ttl = NetworkOrder.ReadU32(_buffer, at + 4);
                int rdlength = NetworkOrder.ReadU16(_buffer, at + 8);
                int rdata = at + 10;
                string ownerText = ReadName(_buffer, owner, length);
                string data = type == DnsType.A && rdlength == 4 ? Ipv4Address.Format(NetworkOrder.ReadU32(_buffer, rdata))
                    : type == DnsType.CNAME || type == DnsType.PTR ? ReadName(_buffer, rdata, length)
                    : type == DnsType.SRV && rdlength > 6 ? NetworkOrder.ReadU16(_buffer, rdata).ToString() + " " + NetworkOrder.ReadU16(_buffer, rdata + 2).ToString() + " " + NetworkOrder.ReadU16(_buffer, rdata + 4).ToString() + " " + ReadName(_buffer, rdata + 6, length)
                    : "\\# " + rdlength.ToString();
                lines[i] = ownerText + "\t" + ttl.ToString() + "\tIN\t" + DnsType.Name(type) + "\t" + data;
                if (type == DnsType.A && rdlength == 4)
                {
                    found[count++] = NetworkOrder.ReadU32(_buffer, rdata);
                    CanonicalName = ownerText;
                }
                else if (type == DnsType.CNAME)
                {
                    aliases[aliasCount++] = ownerText.TrimEnd('.') + "\tcanonical name = " + data.TrimEnd('.');
                }

                at = rdata + rdlength;
            }

            AnswerLines = lines;
            AliasLines = new string[aliasCount];
            System.Array.Copy(aliases, AliasLines, aliasCount);

            // Found: addresses, or (for other types, or a name that is only an alias) any answer at all.
            if (rcode == DnsRcode.NoError && (count > 0 || aliasCount > 0 || (_type != DnsType.A && answers > 0)))
            {
                Addresses = new uint[count];
                System.Array.Copy(found, Addresses, count);
                if (CanonicalName.Length == 0)
                {
                    CanonicalName = _tries[_try] + ".";
                }

                Finish(Found);
                return;
            }

            Miss(rcode);
        }

        private void Miss(int rcode)
        {
            Misses[MissCount] = _tries[_try];
            MissCodes[MissCount] = rcode;
            MissCount++;
            _try++;
            _attempt = 0;
            _sentAt = -1;
            if (_try >= _tries.Length)
            {
                Finish(rcode == DnsRcode.NoError || rcode == DnsRcode.NXDomain ? NotFound : Failed);
            }
        }

        private void Finish(int state)
        {
            State = state;
            if (_socket != null)
            {
                _socket.Close();
            }
        }

        private static string ReadName(byte[] b, int at, int end)
        {
            string text = "";
            for (int hops = 0; hops < 32 && at < end; hops++)
            {
                int label = b[at];
                if ((label & 0xC0) == 0xC0)
                {
                    if (at + 1 >= end)
                    {
                        break;
                    }

                    at = ((label & 0x3F) << 8) | b[at + 1];
                    continue;
                }

                if (label == 0 || at + 1 + label > end)
                {
                    break;
                }

                char[] chars = new char[label];
                for (int i = 0; i < label; i++)
                {
                    chars[i] = (char)b[at + 1 + i];
                }

                text += new string(chars) + ".";
                at += label + 1;
            }

            return text.Length == 0 ? "." : text;
        }
    }
}
