using Edge.Dataplane.Agent;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Net;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Tests.Simulation;

namespace Edge.Dataplane.Tests.Agent;

/// <summary>
/// A board takes frames and writes its own in one buffer (its frame reader's): a frame that
/// arrives in pieces is never written over by what the board sends meanwhile (a heartbeat, a
/// candidate connection's Hello), and what waits for it still goes.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class BoardSessionFrameBufferTests
{
    /// <summary>A line the test feeds bytes into, a few at a time, and whose every written byte the host reads back as frames.</summary>
    private sealed class HostLine : IByteStream
    {
        private readonly Queue<byte> _toBoard = new();
        private readonly FrameReader _host = new();

        public readonly List<(byte Type, ushort RequestId, string? Text)> Heard = new();

        public void Feed(byte[] bytes, int offset, int length)
        {
            for (int i = 0; i < length; i++)
            {
                _toBoard.Enqueue(bytes[offset + i]);
            }
        }

        public int Read(byte[] buffer, int offset, int length)
        {
            int n = 0;
            while (n < length && _toBoard.Count > 0)
            {
                buffer[offset + n++] = _toBoard.Dequeue();
            }

            return n;
        }

        public int Write(byte[] buffer, int offset, int length)
        {
            _host.Push(buffer, offset, length);
            while (_host.Next())
            {
                string? text = null;
                if (_host.Type == MessageType.LogsResponse)
                {
                    var r = new PayloadReader();
                    r.Begin(_host.Payload, _host.PayloadOffset, _host.PayloadLength);
                    text = r.String();
                }

                Heard.Add((_host.Type, _host.RequestId, text));
            }

            Assert.Equal(0, _host.GarbageBytes); // every byte the board wrote was part of a whole frame
            return length;
        }
    }

    private static BoardSession Session(int maxPayload)
    {
        var clock = new SimClock();
        var network = new SimNetwork(clock, new SimRandom(1));
        var config = new NodeConfig { Name = "node-1", Address = SimCluster.BoardAddress(1) };
        var agent = new NodeAgent(config, clock, new SimRandom(1), network.Open(config.Address, config.VxlanPort), null!);
        return new BoardSession(agent, new NodeConfigIdentity
        {
            Name = "node-1", Address = config.Address, VxlanPort = config.VxlanPort, MaxPods = 8, MaxPayload = maxPayload, MaxOutPayload = maxPayload,
        });
    }

    // A LogsRequest for a pod the board does not run (answered with no log), padded to be long
    // enough to cross in pieces.
    private static byte[] LogsRequest(ushort requestId)
    {
        byte[] frame = new byte[Frame.HeaderLength + 600 + Frame.TrailerLength];
        var w = new PayloadWriter();
        w.Begin(frame, Frame.HeaderLength, Frame.HeaderLength + 600);
        w.String("default");
        w.String("web-" + new string('x', 500));
        w.String("whoami");
        int length = Frame.Seal(frame, 0, MessageType.LogsRequest, requestId, w.Length);
        return frame.AsSpan(0, length).ToArray();
    }

    [Fact]
    public void A_request_that_arrives_in_pieces_around_a_heartbeat_is_answered_and_the_heartbeat_goes_once_it_has_come()
    {
        BoardSession session = Session(1280);
        var line = new HostLine();
        session.Attach(line, 0);
        Assert.Equal([MessageType.Hello], line.Heard.Select(h => h.Type));

        byte[] request = LogsRequest(41);
        line.Feed(request, 0, 300);
        session.Poll(BoardSession.HeartbeatMs); // the heartbeat is due, and the reader holds part of the request

        Assert.Equal([MessageType.Hello], line.Heard.Select(h => h.Type)); // it waits for the rest
        line.Feed(request, 300, request.Length - 300);
        session.Poll(BoardSession.HeartbeatMs + 10);

        Assert.Equal([MessageType.Hello, MessageType.LogsResponse, MessageType.Heartbeat], line.Heard.Select(h => h.Type));
        Assert.Equal((ushort)41, line.Heard[1].RequestId);
        Assert.Null(line.Heard[1].Text); // no such pod on the board: no log
    }

    [Fact]
    public void A_candidate_connections_hello_while_the_hosts_frame_is_part_way_leaves_that_frame_whole()
    {
        BoardSession session = Session(1280);
        var line = new HostLine();
        session.Attach(line, 0);
        byte[] request = LogsRequest(42);
        line.Feed(request, 0, 500);
        session.Poll(10);

        var candidate = new HostLine();
        session.SayHelloOn(candidate, Messages.LineNoKey, null); // another connection on the management port, meanwhile

        Assert.Equal([MessageType.Hello], candidate.Heard.Select(h => h.Type));
        line.Feed(request, 500, request.Length - 500);
        session.Poll(20);
        Assert.Equal([MessageType.Hello, MessageType.LogsResponse], line.Heard.Select(h => h.Type));
        Assert.Equal(0, session.GarbageBytes);
    }

    [Fact]
    public void A_line_that_stops_part_way_through_a_frame_hears_its_heartbeat_a_period_late_and_the_frame_is_answered_when_it_ends()
    {
        BoardSession session = Session(1280);
        var line = new HostLine();
        session.Attach(line, 0);
        byte[] request = LogsRequest(43);
        line.Feed(request, 0, 8);

        session.Poll(BoardSession.HeartbeatMs);
        Assert.Equal([MessageType.Hello], line.Heard.Select(h => h.Type));
        session.Poll(2 * BoardSession.HeartbeatMs);
        Assert.Equal([MessageType.Hello, MessageType.Heartbeat], line.Heard.Select(h => h.Type));

        line.Feed(request, 8, request.Length - 8);
        session.Poll(2 * BoardSession.HeartbeatMs + 10);
        Assert.Equal([MessageType.Hello, MessageType.Heartbeat, MessageType.LogsResponse], line.Heard.Select(h => h.Type));
    }
}
