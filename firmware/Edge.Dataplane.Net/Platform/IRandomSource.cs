namespace Edge.Dataplane.Platform
{
    /// <summary>
    /// Randomness for initial sequence numbers, ephemeral ports and endpoint choice. Boards use
    /// their hardware RNG; simulations use a seeded generator so a run repeats exactly.
    /// </summary>
    public interface IRandomSource
    {
        uint NextUInt32();
    }
}
