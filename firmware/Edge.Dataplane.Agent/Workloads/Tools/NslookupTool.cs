using Edge.Dataplane.Dns;
using Edge.Dataplane.Net;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Workloads.Tools
{
    /// <summary>
    /// `nslookup NAME [SERVER]` as busybox prints it, including a "can't find" line for every
    /// search-list name that did not exist before the one that did: the ndots:5 lesson, in
    /// the output. Exit 1 when nothing was found.
    /// </summary>
    public sealed class NslookupTool : ITool
    {
        private readonly DnsResolver _resolver;
        private readonly ToolOutput _output;
        private readonly string _name;
        private bool _done;
        private int _exit;

        private NslookupTool(PodSandbox pod, string name, uint server, ToolOutput output)
        {
            _output = output;
            _name = name;
            _resolver = new DnsResolver(pod, server, name, DnsType.A, true);
            output.Line("Server:\t\t" + Ipv4Address.Format(server));
            output.Line("Address:\t" + Ipv4Address.Format(server) + ":53");
            output.Line("");
        }

        public static ITool Start(PodSandbox pod, string[] args, ToolOutput output, out int exitCode)
        {
            exitCode = 0;
            uint server = pod.DnsServer;
            if (args.Length < 2 || args.Length > 3 || (args.Length == 3 && !Ipv4Address.TryParse(args[2], out server)))
            {
                output.ErrorLine("Usage: nslookup NAME [DNS_SERVER]");
                exitCode = 1;
                return null;
            }

            return new NslookupTool(pod, args[1], server, output);
        }

        public bool Done
        {
            get { return _done; }
        }

        public int ExitCode
        {
            get { return _exit; }
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

            for (int i = 0; i < _resolver.MissCount; i++)
            {
                // NOERROR without records is busybox's "No answer" (NODATA), not NXDOMAIN.
                _output.Line(_resolver.MissCodes[i] == DnsRcode.NoError
                    ? "*** Can't find " + _resolver.Misses[i] + ": No answer"
                    : "** server can't find " + _resolver.Misses[i] + ": " + DnsRcode.Name(_resolver.MissCodes[i]));
                _output.Line("");
            }

            if (_resolver.State == DnsResolver.Found)
            {
                string name = _resolver.CanonicalName.TrimEnd('.');
                for (int i = 0; i < _resolver.AliasLines.Length; i++)
                {
                    _output.Line(_resolver.AliasLines[i]);
                }

                for (int i = 0; i < _resolver.Addresses.Length; i++)
                {
                    _output.Line("Name:\t" + name);
                    _output.Line("Address: " + Ipv4Address.Format(_resolver.Addresses[i]));
                }

                _output.Line("");
                _exit = 0;
            }
            else
            {
                if (_resolver.State == DnsResolver.Failed)
                {
                    _output.ErrorLine(";; connection timed out; no servers could be reached");
                }

                _exit = 1;
            }

            _done = true;
        }

        public void Cancel()
        {
            _done = true;
            _exit = 130;
        }
    }
}
