using Edge.Dataplane.Platform;

namespace Edge.Dataplane.Tests.Simulation;

/// <summary>The board's own UDP on the simulated wire (TCP is not simulated: those calls fail).</summary>
public sealed class SimHostSockets(SimNetwork network, uint address) : IHostSockets
{
    private readonly List<SimPort?> _udp = [];
    private ushort _nextPort = 40000;

    public int OpenUdp(ushort port)
    {
        _udp.Add(network.Open(address, port == 0 ? _nextPort++ : port));
        return _udp.Count - 1;
    }

    public int ReceiveFrom(int udp, byte[] buffer, int offset, int length, out uint from, out ushort port)
    {
        from = 0;
        port = 0;
        return _udp[udp]?.Receive(buffer, offset, length, out from, out port) ?? -1;
    }

    public bool SendTo(int udp, uint to, ushort port, byte[] buffer, int offset, int length) =>
        _udp[udp]?.Send(to, port, buffer, offset, length) ?? false;

    public void Close(int handle)
    {
        if (handle < _udp.Count)
        {
            _udp[handle] = null;
        }
    }

    public int ListenTcp(ushort port) => -1;
    public int ConnectTcp(uint to, ushort port) => -1;
    public int ConnectState(int connection) => -1;

    public int Accept(int listener, out uint remoteAddress, out ushort remotePort)
    {
        remoteAddress = 0;
        remotePort = 0;
        return -1;
    }

    public int Receive(int connection, byte[] buffer, int offset, int length) => -1;
    public int Send(int connection, byte[] buffer, int offset, int length) => -1;
    public void ShutdownSend(int connection) { }
}
