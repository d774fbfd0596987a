using Edge.Dataplane.Net;

namespace Edge.Dataplane.Workloads.Tools
{
    /// <summary>Starts a tool by name in a pod's sandbox, as `exec` does; the list is what a toolbox has.</summary>
    public static class ToolRunner
    {
        /// <summary>What a toolbox has (a literal, not a static array: the board's heap holds no table of it).</summary>
        public const string Tools = "ping, wget, curl, nc, nslookup, dig";

        /// <summary>
        /// The running tool, or null when it could not start (unknown tool, bad arguments): then
        /// the reason is already on its error output and <paramref name="exitCode"/> says how it ended.
        /// </summary>
        public static ITool Start(PodSandbox pod, string[] args, byte[] input, ToolOutput output, out int exitCode)
        {
            exitCode = 0;
            if (args == null || args.Length == 0)
            {
                output.ErrorLine("exec: no command given");
                exitCode = 1;
                return null;
            }

            switch (args[0])
            {
                case "ping": return PingTool.Start(pod, args, output, out exitCode);
                case "wget":
                case "curl": return WgetTool.Start(pod, args, output, out exitCode);
                case "nc": return NcTool.Start(pod, args, input, output, out exitCode);
                case "nslookup": return NslookupTool.Start(pod, args, output, out exitCode);
                case "dig": return DigTool.Start(pod, args, output, out exitCode);
                default:
                    output.ErrorLine("exec: \"" + args[0] + "\": executable file not found in the pod; Edge pods have: " + Tools);
                    exitCode = 127;
                    return null;
            }
        }
    }
}
