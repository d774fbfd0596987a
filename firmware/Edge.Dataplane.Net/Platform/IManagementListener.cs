namespace Edge.Dataplane.Platform
{
    /// <summary>
    /// The board's management port (TCP 7900): connections from a control plane, one served at
    /// a time (a new one is the control plane again, restarted or moved). Every call returns at once.
    /// </summary>
    public interface IManagementListener
    {
        /// <summary>The next control plane's connection as a line, or null when none waits.</summary>
        IByteStream Accept();

        /// <summary>Hangs up a line it accepted and frees its socket (replaced by a newer one, or already gone).</summary>
        void Close(IByteStream line);
    }
}
