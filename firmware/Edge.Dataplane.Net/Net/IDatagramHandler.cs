namespace Edge.Dataplane.Net
{
    /// <summary>Receives UDP datagrams that no socket is bound for (the egress proxy's UDP sessions).</summary>
    public interface IDatagramHandler
    {
        void OnDatagram(uint source, ushort sourcePort, uint destination, ushort destinationPort, byte[] data, int offset, int length, long now);
    }
}
