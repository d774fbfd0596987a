using Edge.Dataplane.Net;
using Edge.Dataplane.Net.Tcp;

namespace Edge.Dataplane.Ingress
{
    /// <summary>One of the ingress's connection slots: a client from accept to the end of its response.</summary>
    internal sealed class IngressConnection
    {
        /// <summary>One of IngressProxy's phases: free, reading the head, connecting to the pod, relaying, answering, lingering.</summary>
        public byte Phase;

        /// <summary>The client's connection on the board's own TCP, and its address.</summary>
        public int External;
        public uint Client;

        /// <summary>The client came through the platform's TLS (the HTTPS port).</summary>
        public bool Secure;

        /// <summary>Packet buffers rented while the client is served: the head (then bytes to the pod), and bytes to the client.</summary>
        public PacketBuffer Head;
        public PacketBuffer ToClient;
        public int HeadCount;

        /// <summary>The connection to the pod, until the relay takes it; the relay (made with the slot's first, then reused).</summary>
        public TcpSocket Backend;
        public RelayPair Relay;

        /// <summary>The ingress's own answer in the head buffer: where it ends, and how far it has gone (from where it starts).</summary>
        public int ReplyLength;
        public int ReplySent;

        /// <summary>When the current phase began.</summary>
        public long Since;
    }
}
