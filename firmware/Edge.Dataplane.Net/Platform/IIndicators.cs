namespace Edge.Dataplane.Platform
{
    /// <summary>What a board shows on its LEDs (or a virtual board in its status line).</summary>
    public interface IIndicators
    {
        /// <summary>The node's state, see <see cref="NodeStatus"/>.</summary>
        void SetStatus(int status);

        /// <summary>A frame went by: blink the activity LED.</summary>
        void Activity();
    }
}
