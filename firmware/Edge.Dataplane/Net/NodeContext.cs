using Edge.Dataplane.Platform;

namespace Edge.Dataplane.Net
{
    /// <summary>What every part of a node shares: buffers, drop counters, clock, randomness, limits.</summary>
    public sealed class NodeContext
    {
        public readonly NodeConfig Config;
        public readonly PacketPool Pool;
        public readonly DropCounters Drops = new DropCounters();
        public readonly IClock Clock;
        public readonly IRandomSource Random;

        public NodeContext(NodeConfig config, IClock clock, IRandomSource random)
        {
            Config = config;
            Clock = clock;
            Random = random;
            Pool = new PacketPool(config.PacketBuffers);
        }

        public long Now
        {
            get { return Clock.Milliseconds; }
        }
    }
}
