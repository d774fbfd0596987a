using System.Buffers;
using System.Net.Sockets;
using System.Text;
using Edge.Dataplane.Ingress;

namespace Edge.VirtualBoard.Platform;

/// <summary>
/// The name a new TLS client asks for, read from its ClientHello with MSG_PEEK, so the bytes stay
/// in the socket for SslStream to read as its handshake; the same reading (<see cref="TlsServerName"/>)
/// as a board's, so both pick the same certificate. Waits until the hello's first record has come
/// whole, or the caller's deadline.
/// </summary>
internal static class ClientHelloPeek
{
    // Between two peeks of a hello still arriving: peeking again at once would find the same bytes.
    private const int PeekAgainMs = 5;

    /// <summary>
    /// <see cref="TlsServerName.Named"/> with the name, <see cref="TlsServerName.Unnamed"/>, or
    /// <see cref="TlsServerName.NotClientHello"/> (also for a client that closed before its hello
    /// was whole); throws <see cref="OperationCanceledException"/> at the deadline.
    /// </summary>
    public static async Task<(int Result, string? Name)> ReadAsync(Socket client, CancellationToken deadline)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(TlsServerName.MaxRecord);
        try
        {
            while (true)
            {
                int n = await client.ReceiveAsync(buffer.AsMemory(0, TlsServerName.MaxRecord), SocketFlags.Peek, deadline);
                if (n == 0)
                {
                    return (TlsServerName.NotClientHello, null);
                }

                int result = TlsServerName.Find(buffer, n, out int start, out int length);
                if (result == TlsServerName.Named)
                {
                    // A byte per char, as the board reads it: the same string whatever the bytes.
                    return (result, Encoding.Latin1.GetString(buffer, start, length));
                }

                if (result != TlsServerName.Incomplete)
                {
                    return (result, null);
                }

                await Task.Delay(PeekAgainMs, deadline);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
