namespace Edge.Dataplane.Platform
{
    /// <summary>
    /// TCP on the board's own address, through the platform's stack (lwIP on a board, the OS
    /// for a virtual board): what NodePort and LoadBalancer clients on the lab LAN connect to.
    /// Handles are small integers; every call returns at once.
    /// </summary>
    public interface IHostSockets
    {
        /// <summary>Listens on a port of the board's address; -1 when the port is taken or the platform has no socket left.</summary>
        int ListenTcp(ushort port);

        /// <summary>Starts connecting out to address:port (pod egress); -1 when the platform has no socket left.</summary>
        int ConnectTcp(uint address, ushort port);

        /// <summary>0 while connecting, 1 once connected, -1 when the connection failed.</summary>
        int ConnectState(int connection);

        /// <summary>The next accepted connection on a listener, or -1 when none waits.</summary>
        int Accept(int listener, out uint remoteAddress, out ushort remotePort);

        /// <summary>Bytes read into buffer; 0 when none are waiting; -1 when the peer closed or the connection failed.</summary>
        int Receive(int connection, byte[] buffer, int offset, int length);

        /// <summary>Bytes taken for sending; 0 when the platform's buffer is full; -1 when the connection failed.</summary>
        int Send(int connection, byte[] buffer, int offset, int length);

        /// <summary>Sends FIN after what was sent (a half close); receiving goes on.</summary>
        void ShutdownSend(int connection);

        /// <summary>A UDP socket on the board's address (port 0: any free port); -1 when the port is taken.</summary>
        int OpenUdp(ushort port);

        /// <summary>The next datagram's length (cut to length), or -1 when none waits.</summary>
        int ReceiveFrom(int udp, byte[] buffer, int offset, int length, out uint address, out ushort port);

        /// <summary>Sends one datagram; false when the platform could not.</summary>
        bool SendTo(int udp, uint address, ushort port, byte[] buffer, int offset, int length);

        /// <summary>Closes a listener, a connection or a UDP socket and frees its handle.</summary>
        void Close(int handle);
    }
}
