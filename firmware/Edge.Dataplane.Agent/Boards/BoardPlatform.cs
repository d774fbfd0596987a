using Edge.Dataplane.Platform;

namespace Edge.Dataplane.Boards
{
    /// <summary>
    /// What a <see cref="BoardLoop"/> runs over: the Platform a board's firmware builds over
    /// nanoFramework (sockets, the UART, GPIO, I2C, flash), or a test's in-memory fakes. The
    /// parts a board may lack are null when it has none.
    /// </summary>
    public sealed class BoardPlatform
    {
        public IClock Clock;
        public IRandomSource Random;

        /// <summary>The VXLAN socket on the board's address; its port is the node's VXLAN port.</summary>
        public IDatagramPort Port;

        /// <summary>The board's own sockets: NodePort and LoadBalancer listeners, DNS, pod egress.</summary>
        public IHostSockets HostSockets;

        /// <summary>Where the board keeps its provisioned settings (flash); null: nowhere.</summary>
        public IStorage Storage;

        /// <summary>Control planes connecting on the management port; null: none (the console only).</summary>
        public IManagementListener Management;

        /// <summary>The console UART, which serves the management protocol while no control plane is connected on TCP; null: none.</summary>
        public IByteStream Console;

        public IIndicators Leds;
        public IDisplay Display;
        public ILog Log;
    }
}
