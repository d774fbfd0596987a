using Edge.Dataplane.Mgmt;

namespace Edge.Dataplane.Tests.Mgmt;

/// <summary>A state to its Snapshot payload and back, as the host and a board do.</summary>
internal static class StatePayloads
{
    public static byte[] Encode(DesiredState s)
    {
        var w = new PayloadWriter();
        byte[] buffer = new byte[Frame.MaxPayload];
        w.Begin(buffer, 0, buffer.Length);
        StateCodec.Encode(s, w);
        Assert.False(w.Overflow);
        return buffer[..w.Length];
    }

    /// <summary>The state (null when damaged), reusing what <paramref name="held"/> has where it is the same.</summary>
    public static DesiredState? Decode(byte[] payload, DesiredState? held = null)
    {
        var r = new PayloadReader();
        r.Begin(payload, 0, payload.Length);
        return StateCodec.Decode(r, held, null);
    }
}
