using System;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace Edge.Firmware.Platform
{
    /// <summary>
    /// A TLS connection through its handshake, behind one of <see cref="NanoHostSockets"/>' handles:
    /// plaintext in and out with the contract of a plain connection (every call returns at once).
    /// mbedTLS reads a record whole before it gives any of it, and waits for the rest of one it has
    /// begun, with the interpreter stopped; so Receive reads only when the record's last byte is in
    /// lwIP (its header peeked), or when a record longer than lwIP's receive window has as much of
    /// it there as the window lets come (the rest is in flight). Send writes one record of at most
    /// <see cref="MaxRecordWrite"/> bytes, and only when lwIP's send buffer has room for it, so
    /// mbedTLS's write, which loops until the record is out, never spins.
    /// </summary>
    public sealed class NanoTlsConnection
    {
        /// <summary>Plaintext per Send: lwIP says writable only with more room than this and mbedTLS's record overhead.</summary>
        public const int MaxRecordWrite = 1024;

        // A record begun with this much of it in lwIP is read even though its end has not come: a
        // record longer than lwIP's receive window never lies there whole, and the rest of it is on
        // its way. lwIP's window is at least two segments of at least 536 bytes, so this much comes.
        private const int PartialRecordRead = 1024;

        private const int RecordHeader = 5;

        // The next record's header, peeked (one loop: one buffer for every connection).
        private static readonly byte[] Header = new byte[RecordHeader];

        public readonly Socket Socket;
        public readonly SslStream Stream;
        public readonly uint RemoteAddress;
        public readonly ushort RemotePort;

        /// <summary>Over <paramref name="stream"/>, through its handshake, which owns <paramref name="socket"/>; throws when the client is already gone.</summary>
        public NanoTlsConnection(Socket socket, SslStream stream)
        {
            Socket = socket;
            Stream = stream;
            EndPoint remote = socket.RemoteEndPoint;
            RemoteAddress = Addresses.FromEndPoint(remote);
            RemotePort = Addresses.PortOf(remote);
        }

        /// <summary>Plaintext read into buffer; 0 when none is ready; -1 once the peer closed (close_notify or FIN) or the connection failed.</summary>
        public int Receive(byte[] buffer, int offset, int length)
        {
            try
            {
                if (!Stream.DataAvailable) // nothing decrypted left in mbedTLS from the last record
                {
                    if (!Socket.Poll(0, SelectMode.SelectRead))
                    {
                        return 0;
                    }

                    int available = Socket.Available;
                    if (available == 0)
                    {
                        return -1; // readable with nothing to read: the peer's FIN
                    }

                    if (!RecordReady(available))
                    {
                        return 0;
                    }
                }

                int n = Stream.Read(buffer, offset, length);
                return n > 0 ? n : -1; // 0: the peer's close_notify
            }
            catch (Exception)
            {
                return -1;
            }
        }

        /// <summary>Plaintext taken for sending (one record); 0 when lwIP's buffer is full; -1 when the connection failed.</summary>
        public int Send(byte[] buffer, int offset, int length)
        {
            try
            {
                if (length == 0 || !Socket.Poll(0, SelectMode.SelectWrite))
                {
                    return 0;
                }

                int n = length < MaxRecordWrite ? length : MaxRecordWrite;
                Stream.Write(buffer, offset, n);
                return n;
            }
            catch (Exception)
            {
                return -1;
            }
        }

        /// <summary>Sends close_notify, closes the socket and frees mbedTLS's context (its session).</summary>
        public void Close()
        {
            try
            {
                Stream.Dispose();
            }
            catch (Exception)
            {
                // closing what already failed
            }
        }

        private bool RecordReady(int available)
        {
            if (available < RecordHeader)
            {
                return false;
            }

            Socket.Receive(Header, 0, RecordHeader, SocketFlags.Peek);
            int recordEnd = RecordHeader + (Header[3] << 8 | Header[4]);
            return available >= recordEnd || available >= PartialRecordRead;
        }
    }
}
