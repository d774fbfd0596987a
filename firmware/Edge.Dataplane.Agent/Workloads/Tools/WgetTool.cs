using Edge.Dataplane.Net;
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.Workloads.Tools
{
    /// <summary>
    /// `wget -qO- URL` (busybox) and `curl -s URL`: an HTTP GET whose body goes to standard
    /// output. Errors read as the real tools print them: wget exits 1, curl 7 for a failed
    /// connection and 22 (with -f) for an HTTP error.
    /// </summary>
    public sealed class WgetTool : ITool, IByteSink
    {
        private readonly ToolOutput _output;
        private readonly HttpGet _get;
        private readonly bool _curl;
        private readonly bool _failOnError;
        private readonly bool _quiet;
        private readonly string _host;
        private bool _done;
        private int _exit;

        private WgetTool(PodSandbox pod, Url url, uint address, bool curl, bool failOnError, bool quiet, string postData, ToolOutput output)
        {
            _output = output;
            _curl = curl;
            _failOnError = failOnError;
            _quiet = quiet;
            _host = url.Host;
            _get = new HttpGet(pod, address, url.Port, url.Host, url.Path, this, postData);
        }

        public static ITool Start(PodSandbox pod, string[] args, ToolOutput output, out int exitCode)
        {
            bool curl = args[0] == "curl";
            bool quiet = curl, failOnError = false, toStdout = curl;
            string target = null;
            string postData = null; // curl -d DATA (-X POST), wget --post-data=DATA: what traefik/whoami's /health takes
            for (int i = 1; i < args.Length; i++)
            {
                string a = args[i];
                if (curl && (a == "-d" || a == "--data") && i + 1 < args.Length)
                {
                    postData = args[++i];
                }
                else if (curl && a == "-X" && i + 1 < args.Length && (args[i + 1] == "POST" || args[i + 1] == "GET"))
                {
                    postData = args[++i] == "POST" && postData == null ? "" : postData;
                }
                else if (!curl && a.StartsWith("--post-data="))
                {
                    postData = a.Substring(12);
                }
                else if (a == "-q" || a == "-s" || a == "-sS")
                {
                    quiet = true;
                }
                else if (a == "-qO-" || a == "-O-")
                {
                    quiet = quiet || a == "-qO-";
                    toStdout = true;
                }
                else if (a == "-O" && i + 1 < args.Length && args[i + 1] == "-")
                {
                    toStdout = true;
                    i++;
                }
                else if (a == "-f" || a == "-sf" || a == "-fsS" || a == "-sSf")
                {
                    failOnError = true;
                    quiet = true;
                }
                else if (!a.StartsWith("-") && target == null)
                {
                    target = a;
                }
                else
                {
                    output.ErrorLine(curl ? "curl: option " + a + ": is unknown" : "wget: unrecognized option '" + a + "'");
                    exitCode = curl ? 2 : 1;
                    return null;
                }
            }

            Url url = Url.Parse(target);
            uint address;
            if (url == null)
            {
                output.ErrorLine(curl ? "curl: (3) URL rejected: Bad hostname" : "wget: bad address '" + (target ?? "") + "'");
                exitCode = curl ? 3 : 1;
                return null;
            }

            if (!toStdout)
            {
                output.ErrorLine("wget: only -O- (to standard output) is supported in a pod");
                exitCode = 1;
                return null;
            }

            exitCode = 0;
            if (!url.TryAddress(out address))
            {
                return new ResolvingTool(pod, url.Host, delegate(uint resolved) { return Open(pod, url, resolved, curl, failOnError, quiet, postData, output); },
                    output, curl ? "curl: (6) Could not resolve host: " + url.Host : "wget: bad address '" + url.Host + "'", curl ? 6 : 1);
            }

            return Open(pod, url, address, curl, failOnError, quiet, postData, output);
        }

        private static ITool Open(PodSandbox pod, Url url, uint address, bool curl, bool failOnError, bool quiet, string postData, ToolOutput output)
        {
            if (!quiet)
            {
                output.ErrorLine("Connecting to " + url.Host + " (" + Ipv4Address.Format(address) + ":" + url.Port.ToString() + ")");
            }

            return new WgetTool(pod, url, address, curl, failOnError, quiet, postData, output);
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

            _get.Poll(now);
            if (_get.State == HttpGet.Failed)
            {
                string why = _get.Error == "connection refused" ? "Connection refused" : _get.Error == "connection timed out" ? "Connection timed out" : _get.Error;
                _output.ErrorLine(_curl ? "curl: (7) Failed to connect to " + _host + ": " + why : "wget: can't connect to remote host (" + _host + "): " + why);
                Finish(_curl ? 7 : 1);
            }
            else if (_get.State == HttpGet.Finished)
            {
                bool error = _get.StatusCode >= 400;
                if (error && !_curl)
                {
                    _output.ErrorLine("wget: server returned error: " + _get.StatusLine);
                    Finish(1);
                }
                else
                {
                    Finish(error && _failOnError ? 22 : 0);
                }
            }
        }

        public void Cancel()
        {
            Finish(130);
        }

        /// <summary>The body, as it arrives (wget stops writing it on an HTTP error).</summary>
        public void Write(byte[] buffer, int offset, int length)
        {
            if (_curl ? !(_failOnError && _get.StatusCode >= 400) : _get.StatusCode < 400)
            {
                _output.Bytes(buffer, offset, length);
            }
        }

        private void Finish(int exit)
        {
            _done = true;
            _exit = exit;
        }
    }
}
