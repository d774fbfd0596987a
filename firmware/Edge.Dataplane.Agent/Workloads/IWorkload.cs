namespace Edge.Dataplane.Workloads
{
    /// <summary>
    /// A container image built into the firmware, running in a pod's sandbox. The board's loop
    /// polls every workload after the node's network; a workload never blocks.
    /// </summary>
    public interface IWorkload
    {
        /// <summary>The image name, as in a pod spec's image: field.</summary>
        string Image { get; }

        void Poll(long now);

        /// <summary>The code its program ended with (137: killed for its memory), -1 while it runs: servers never end on their own.</summary>
        int Exit { get; }

        /// <summary>Closes its sockets (the container stops; the sandbox stays).</summary>
        void Stop();
    }
}
