using Edge.Dataplane.Dns;
using Edge.Dataplane.Net;

namespace Edge.Dataplane.Workloads.Tools
{
    /// <summary>
    /// Resolves a tool's host name through the pod's resolver (search list, ndots:5) and then
    /// runs the tool against the address; a name that does not resolve ends with the tool's
    /// own message and exit code.
    /// </summary>
    public sealed class ResolvingTool : ITool
    {
        private readonly DnsResolver _resolver;
        private readonly ToolFactory _start;
        private readonly ToolOutput _output;
        private readonly string _failure;
        private readonly int _failureCode;
        private ITool _tool;
        private bool _done;
        private int _exit;

        public ResolvingTool(PodSandbox pod, string host, ToolFactory start, ToolOutput output, string failure, int failureCode)
        {
            _resolver = new DnsResolver(pod, host, DnsType.A, true);
            _start = start;
            _output = output;
            _failure = failure;
            _failureCode = failureCode;
        }

        public bool Done
        {
            get { return _done || (_tool != null && _tool.Done); }
        }

        public int ExitCode
        {
            get { return _tool != null ? _tool.ExitCode : _exit; }
        }

        public void Poll(long now)
        {
            if (_tool != null)
            {
                _tool.Poll(now);
                return;
            }

            _resolver.Poll(now);
            if (!_resolver.Done)
            {
                return;
            }

            if (_resolver.State == DnsResolver.Found && _resolver.Addresses.Length > 0)
            {
                _tool = _start(_resolver.Addresses[0]);
                if (_tool == null)
                {
                    _done = true;
                    _exit = 1;
                }

                return;
            }

            _output.ErrorLine(_failure);
            _done = true;
            _exit = _failureCode;
        }

        public void Cancel()
        {
            if (_tool != null)
            {
                _tool.Cancel();
                return;
            }

            _done = true;
            _exit = 130;
        }
    }
}
