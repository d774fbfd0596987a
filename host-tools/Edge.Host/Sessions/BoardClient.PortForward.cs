using System.Threading.Channels;
using Edge.Dataplane.Mgmt;

namespace Edge.Host.Sessions;

public sealed partial class BoardClient
{
    /// <summary>
    /// Forwards one TCP connection to <paramref name="port"/> inside a pod on this board, as the
    /// kubelet does for `kubectl port-forward` (the board connects to the pod's own 127.0.0.1).
    /// What <paramref name="input"/> yields goes to the pod, within the credit the board hands out;
    /// when it completes, the board half-closes towards the pod. The pod's bytes arrive through
    /// <paramref name="output"/> on stream 1, and why a connection failed on stream 2. Returns the
    /// forward's exit: 0 once the pod has closed, 1 when it could not connect, 126 when the board
    /// was busy with another exec or forward. Cancelling tells the board to abort the connection.
    /// </summary>
    public async Task<int> ForwardAsync(string ns, string pod, int port, ChannelReader<byte[]> input,
        Action<int, ReadOnlyMemory<byte>> output, CancellationToken cancel)
    {
        await Ready(TimeSpan.FromSeconds(10));
        ushort id = (ushort)(Interlocked.Increment(ref _nextId) & 0xFFFF);
        var call = new ExecCall(output);
        _execs[id] = call;
        using var pumping = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        try
        {
            byte[] frame = NewFrame(512);
            var w = new PayloadWriter();
            w.Begin(frame, Frame.HeaderLength, Frame.HeaderLength + 512);
            w.String(ns);
            w.String(pod);
            w.Int(port);
            await SendAsync(frame, MessageType.PortForwardRequest, id, w.Length);
            using CancellationTokenRegistration onCancel = cancel.Register(() => _ = SignalAsync(MessageType.ExecCancel, id));
            Task pump = PumpInput(id, call.Credit, input, pumping.Token);
            try
            {
                return await call.Exit.Task.WaitAsync(cancel);
            }
            finally
            {
                pumping.Cancel();
                await pump;
            }
        }
        finally
        {
            _execs.TryRemove(id, out _);
        }
    }

    /// <summary>The client's bytes to the board in ExecInput frames, never beyond the credit; an empty frame at the client's end.</summary>
    private async Task PumpInput(ushort id, InputCredit credit, ChannelReader<byte[]> input, CancellationToken stop)
    {
        int most = Frame.MaxPayload - Overhead;
        try
        {
            await foreach (byte[] chunk in input.ReadAllAsync(stop))
            {
                for (int offset = 0; offset < chunk.Length;)
                {
                    int n = await credit.TakeAsync(Math.Min(most, chunk.Length - offset), stop);
                    byte[] frame = NewFrame(n);
                    chunk.AsSpan(offset, n).CopyTo(frame.AsSpan(Frame.HeaderLength));
                    await SendAsync(frame, MessageType.ExecInput, id, n);
                    offset += n;
                }
            }

            await SignalAsync(MessageType.ExecInput, id); // the client has finished sending
        }
        catch (Exception e) when (e is OperationCanceledException or BoardSessionException or ChannelClosedException)
        {
            // the forward ended, or the line closed (the exit says so)
        }
    }
}
