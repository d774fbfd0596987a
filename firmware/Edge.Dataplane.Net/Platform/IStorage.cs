namespace Edge.Dataplane.Platform
{
    /// <summary>Small persistent records (node identity, network settings) by key: flash on a board, a file on a laptop.</summary>
    public interface IStorage
    {
        /// <summary>The record, or null when there is none.</summary>
        byte[] Read(string key);

        bool Write(string key, byte[] buffer, int offset, int length);
    }
}
