using System.Threading.Channels;

namespace Edge.Host.Api;

/// <summary>
/// A board's output handed on to a client in order, off the board session's reader: the
/// session's callback only queues (so a slow client never holds the board's line), and one task
/// sends each piece on its stream. Disposing waits until everything queued has been sent.
/// </summary>
public sealed class OutputRelay : IAsyncDisposable
{
    private readonly Channel<(byte Stream, byte[] Data)> _queue = Channel.CreateUnbounded<(byte, byte[])>(new() { SingleReader = true });
    private readonly Task _sending;

    public OutputRelay(Func<byte, byte[], Task> send)
    {
        _sending = Task.Run(async () =>
        {
            await foreach ((byte stream, byte[] data) in _queue.Reader.ReadAllAsync())
            {
                await send(stream, data);
            }
        });
    }

    /// <summary>For the board session's callback: stream 2 is stderr, anything else stdout.</summary>
    public void Post(int stream, ReadOnlyMemory<byte> data) =>
        _queue.Writer.TryWrite((stream == RemoteCommand.Stderr ? RemoteCommand.Stderr : RemoteCommand.Stdout, data.ToArray()));

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _sending;
    }
}
