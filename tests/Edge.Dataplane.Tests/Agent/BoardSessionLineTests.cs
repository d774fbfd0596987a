using Edge.Dataplane.Agent;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Net;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Tests.Simulation;
using Edge.Dataplane.Trust;

namespace Edge.Dataplane.Tests.Agent;

/// <summary>
/// What a board's session does when its line misbehaves under it: a line that stops taking bytes
/// halfway through a sealed frame ends the authenticated session (the host could only see a bad
/// MAC next), and a claim line hears nothing of the node (no heartbeats).
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class BoardSessionLineTests
{
    /// <summary>A line that takes what it is given until told to take only a few more bytes, then nothing.</summary>
    private sealed class StallingLine : IByteStream
    {
        public readonly MemoryStream Written = new();
        public int? Room;

        public int Read(byte[] buffer, int offset, int length) => 0;

        public int Write(byte[] buffer, int offset, int length)
        {
            int n = Room is int room ? Math.Min(room, length) : length;
            Written.Write(buffer, offset, n);
            if (Room != null)
            {
                Room -= n;
            }

            return n;
        }
    }

    private static BoardSession Session(byte[] key)
    {
        var clock = new SimClock();
        var network = new SimNetwork(clock, new SimRandom(1));
        var config = new NodeConfig { Name = "node-1", Address = SimCluster.BoardAddress(1) };
        var agent = new NodeAgent(config, clock, new SimRandom(1), network.Open(config.Address, config.VxlanPort), null!);
        var session = new BoardSession(agent, new NodeConfigIdentity
        {
            Name = "node-1", Address = config.Address, VxlanPort = config.VxlanPort, MaxPods = 8, MaxPayload = 2048, MaxOutPayload = 2048,
        });
        session.Trust = new SessionAuth(SessionAuth.Board, key, 0);
        session.Cluster = "lab";
        return session;
    }

    private static byte[] Bytes(int seed, int length) => Enumerable.Range(0, length).Select(i => (byte)(seed + i * 13)).ToArray();

    [Fact]
    public void A_line_that_stalls_halfway_through_a_sealed_frame_ends_the_authenticated_session()
    {
        BoardSession session = Session(Bytes(1, 32));
        var line = new StallingLine();
        session.AttachAuthenticated(line, 0, Bytes(2, SessionAuth.NonceLength), Bytes(3, SessionAuth.NonceLength));
        Assert.True(session.Authenticated && session.Attached);

        line.Room = 7; // the next heartbeat gets seven bytes out, then the line takes no more
        session.Poll(BoardSession.HeartbeatMs);

        Assert.False(session.Attached, "half a sealed frame went: the session must end, not go on out of step with the host");
        Assert.False(session.Authenticated);
    }

    [Fact]
    public void A_line_that_takes_the_whole_frame_keeps_the_session()
    {
        BoardSession session = Session(Bytes(1, 32));
        var line = new StallingLine();
        session.AttachAuthenticated(line, 0, Bytes(2, SessionAuth.NonceLength), Bytes(3, SessionAuth.NonceLength));
        long before = line.Written.Length;

        session.Poll(BoardSession.HeartbeatMs);

        Assert.True(session.Attached && session.Authenticated);
        Assert.True(line.Written.Length > before, "the heartbeat went");
    }

    [Fact]
    public void A_claim_line_hears_no_heartbeats()
    {
        BoardSession session = Session(Bytes(1, 32));
        session.Trust = null; // a board with no key: what a claim is for
        var line = new StallingLine();
        session.AttachClaim(line, 0, 7);
        long acked = line.Written.Length;
        Assert.True(acked > 0, "the claim is acknowledged");

        for (long now = BoardSession.HeartbeatMs; now <= 5 * BoardSession.HeartbeatMs; now += BoardSession.HeartbeatMs)
        {
            session.Poll(now);
        }

        Assert.True(session.Attached && session.Claiming);
        Assert.Equal(acked, line.Written.Length);
    }
}
