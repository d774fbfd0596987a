using Edge.Dataplane.Dns;
using Edge.Dataplane.Net;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Workloads.Tools
{
    /// <summary>
    /// `dig [@SERVER] [+short] [+search] NAME [TYPE]`: one question, printed in dig's layout.
    /// Like dig, it does not use the search list unless +search is given, so `dig web` fails
    /// where `nslookup web` succeeds: a second look at ndots.
    /// </summary>
    public sealed class DigTool : ITool
    {
        private readonly DnsResolver _resolver;
        private readonly ToolOutput _output;
        private readonly bool _short;
        private readonly string _name;
        private readonly ushort _type;
        private bool _done;

        private DigTool(PodSandbox pod, uint server, string name, ushort type, bool shortForm, bool search, ToolOutput output)
        {
            _output = output;
            _short = shortForm;
            _name = name;
            _type = type;
            _resolver = new DnsResolver(pod, server, name, type, search);
        }

        public static ITool Start(PodSandbox pod, string[] args, ToolOutput output, out int exitCode)
        {
            exitCode = 0;
            uint server = pod.DnsServer;
            bool shortForm = false, search = false;
            string name = null;
            ushort type = DnsType.A;
            for (int i = 1; i < args.Length; i++)
            {
                string a = args[i];
                ushort parsed;
                if (a.StartsWith("@") && Ipv4Address.TryParse(a.Substring(1), out server))
                {
                    continue;
                }

                if (a == "+short")
                {
                    shortForm = true;
                }
                else if (a == "+search")
                {
                    search = true;
                }
                else if (name != null && TypeOf(a, out parsed))
                {
                    type = parsed;
                }
                else if (name == null && !a.StartsWith("+") && !a.StartsWith("@"))
                {
                    name = a;
                }
                else
                {
                    output.ErrorLine("dig: unsupported option or argument '" + a + "'");
                    exitCode = 1;
                    return null;
                }
            }

            if (name == null)
            {
                output.ErrorLine("Usage: dig [@SERVER] [+short] [+search] NAME [A|SRV|PTR|TXT|CNAME|SOA]");
                exitCode = 1;
                return null;
            }

            return new DigTool(pod, server, name, type, shortForm, search, output);
        }

        public bool Done
        {
            get { return _done; }
        }

        public int ExitCode
        {
            get { return _resolver.State == DnsResolver.Failed ? 9 : 0; }
        }

        public void Poll(long now)
        {
            if (_done)
            {
                return;
            }

            _resolver.Poll(now);
            if (!_resolver.Done)
            {
                return;
            }

            _done = true;
            if (_resolver.State == DnsResolver.Failed && _resolver.MissCount == 0)
            {
                _output.Line(";; connection timed out; no servers could be reached");
                return;
            }

            if (_short)
            {
                for (int i = 0; i < _resolver.AnswerLines.Length; i++)
                {
                    string line = _resolver.AnswerLines[i];
                    if (line != null)
                    {
                        _output.Line(line.Substring(line.LastIndexOf('\t') + 1));
                    }
                }

                return;
            }

            _output.Line("; <<>> edge dig <<>> " + _name + " " + DnsType.Name(_type));
            _output.Line(";; ->>HEADER<<- opcode: QUERY, status: " + DnsRcode.Name(_resolver.Rcode));
            _output.Line("");
            _output.Line(";; QUESTION SECTION:");
            _output.Line(";" + (_resolver.State == DnsResolver.Found ? _resolver.CanonicalName : _name.TrimEnd('.') + ".") + "\t\tIN\t" + DnsType.Name(_type));
            if (_resolver.AnswerLines.Length > 0)
            {
                _output.Line("");
                _output.Line(";; ANSWER SECTION:");
                for (int i = 0; i < _resolver.AnswerLines.Length; i++)
                {
                    if (_resolver.AnswerLines[i] != null)
                    {
                        _output.Line(_resolver.AnswerLines[i]);
                    }
                }
            }

            _output.Line("");
        }

        public void Cancel()
        {
            _done = true;
        }

        private static bool TypeOf(string text, out ushort type)
        {
            string t = text.ToUpper();
            type = t == "A" ? DnsType.A : t == "SRV" ? DnsType.SRV : t == "PTR" ? DnsType.PTR : t == "TXT" ? DnsType.TXT
                : t == "CNAME" ? DnsType.CNAME : t == "SOA" ? DnsType.SOA : t == "AAAA" ? DnsType.AAAA : t == "ANY" ? DnsType.ANY : (ushort)0;
            return type != 0;
        }
    }
}
