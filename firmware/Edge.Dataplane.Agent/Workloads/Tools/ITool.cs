namespace Edge.Dataplane.Workloads.Tools
{
    /// <summary>
    /// A command run inside a pod's sandbox on request (`edgectl exec POD -- TOOL ARGS`):
    /// polled like a workload until <see cref="Done"/>, writing to its output as it goes.
    /// </summary>
    public interface ITool
    {
        bool Done { get; }

        /// <summary>The exit status, as the real tool would give it (0 success).</summary>
        int ExitCode { get; }

        void Poll(long now);

        /// <summary>Stops early (Ctrl+C): sockets closed, exit code 130.</summary>
        void Cancel();
    }
}
