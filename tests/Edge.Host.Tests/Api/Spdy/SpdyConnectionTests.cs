using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Edge.Host.Api.Spdy;

namespace Edge.Host.Tests.Api.Spdy;

/// <summary>
/// The server's end of a SPDY/3.1 connection (draft-mbelshe-httpbis-spdy-00), driven over a real
/// loopback TCP connection by a client written from the draft: streams opened and answered,
/// data and FIN both ways, PING, and the protocol errors that end a connection.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class SpdyConnectionTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly SpdyHeaderEncoder _clientEncoder = new();
    private readonly SpdyHeaderDecoder _clientDecoder = new();
    private TcpClient _client = null!;
    private NetworkStream _wire = null!;
    private SpdyConnection _server = null!;

    public async Task InitializeAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        _client = new TcpClient();
        Task connecting = _client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        Socket accepted = await listener.AcceptSocketAsync();
        await connecting;
        _wire = _client.GetStream();
        _server = new SpdyConnection(new NetworkStream(accepted, ownsSocket: true));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _client.Dispose();
        _clientEncoder.Dispose();
        _clientDecoder.Dispose();
    }

    [Fact]
    public async Task A_stream_the_client_opens_is_answered_and_carries_data_both_ways()
    {
        await SynStream(1, fin: false, ("streamtype", "stdin"));
        SpdyStream stream = (await _server.AcceptAsync(Timeout()))!;
        Assert.Equal((1u, "stdin"), (stream.Id, stream.Header("streamtype")));

        SpdyFrame reply = await Next();
        Assert.Equal((true, SpdyControlType.SynReply, 1u), (reply.IsControl, reply.Type, reply.ControlStreamId));
        Assert.Empty(_clientDecoder.Decode(reply.Payload.AsSpan(4)));

        await Send(SpdyFrame.Data(1, 0, "GET / HTTP/1.0\r\n"u8));
        await Send(SpdyFrame.Data(1, SpdyFrame.FlagFin, "\r\n"u8));
        Assert.Equal("GET / HTTP/1.0\r\n\r\n", Encoding.ASCII.GetString(await stream.ReadToEndAsync(1024, Timeout())));

        await stream.WriteAsync("HTTP/1.0 200 OK\r\n"u8.ToArray());
        await stream.CloseAsync();
        await stream.CloseAsync(); // FIN goes once
        SpdyFrame data = await Next();
        Assert.Equal((false, 1u, "HTTP/1.0 200 OK\r\n", false), (data.IsControl, data.StreamId, Encoding.ASCII.GetString(data.Payload), data.Fin));
        SpdyFrame fin = await Next();
        Assert.Equal((false, 1u, 0, true), (fin.IsControl, fin.StreamId, fin.Payload.Length, fin.Fin));
    }

    [Fact]
    public async Task Streams_keep_the_order_and_headers_they_were_opened_with_and_a_fin_on_open_ends_the_input()
    {
        await SynStream(1, fin: false, ("streamtype", "error"));
        await SynStream(3, fin: true, ("streamtype", "stdout"), ("port", "8080"));
        SpdyStream error = (await _server.AcceptAsync(Timeout()))!;
        SpdyStream stdout = (await _server.AcceptAsync(Timeout()))!;
        Assert.Equal("error", error.Header("streamtype"));
        Assert.Equal(("stdout", "8080"), (stdout.Header("streamtype"), stdout.Header("port")));
        Assert.Empty(await stdout.ReadToEndAsync(16, Timeout()));
        Assert.Equal(1u, (await Next()).ControlStreamId);
        Assert.Equal(3u, (await Next()).ControlStreamId);
    }

    [Fact]
    public async Task Ping_is_echoed_and_settings_and_window_updates_are_read_and_left_alone()
    {
        await Send(SpdyFrame.Control(SpdyControlType.Settings, 0, [0, 0, 0, 1, 0, 0, 0, 7, 0, 1, 0, 0]));
        await Send(SpdyFrame.Control(SpdyControlType.WindowUpdate, 0, [0, 0, 0, 1, 0, 1, 0, 0]));
        await Send(SpdyFrame.Control(SpdyControlType.Ping, 0, [0, 0, 0, 42]));
        SpdyFrame pong = await Next();
        Assert.Equal((SpdyControlType.Ping, 42u), (pong.Type, BinaryPrimitives.ReadUInt32BigEndian(pong.Payload)));
    }

    [Fact]
    public async Task Data_for_a_stream_that_is_not_open_is_answered_with_RST_STREAM_INVALID_STREAM()
    {
        await Send(SpdyFrame.Data(7, 0, "x"u8));
        SpdyFrame reset = await Next();
        Assert.Equal((SpdyControlType.RstStream, 7u, (uint)SpdyResetStatus.InvalidStream), (reset.Type, reset.ControlStreamId, BinaryPrimitives.ReadUInt32BigEndian(reset.Payload.AsSpan(4))));
    }

    [Fact]
    public async Task A_reset_from_the_client_ends_the_streams_input()
    {
        await SynStream(1, fin: false, ("streamtype", "data"));
        SpdyStream stream = (await _server.AcceptAsync(Timeout()))!;
        await Send(SpdyFrame.Data(1, 0, "partial"u8));
        await Send(SpdyFrame.Control(SpdyControlType.RstStream, 0, [0, 0, 0, 1, 0, 0, 0, 5]));
        Assert.Equal("partial", Encoding.ASCII.GetString(await stream.ReadToEndAsync(1024, Timeout())));
        Assert.True(stream.WasReset);
    }

    public static TheoryData<byte[], string> ProtocolErrors => new()
    {
        { Frame(0x8002, 1, [0, 0, 0, 1, 0, 0, 0, 0, 0, 0]), "a SPDY/2 frame; Edge speaks SPDY/3.1" },
        { Frame(0x8003, 6, [0, 0, 42]), "a PING of 3 bytes; it carries a 4-byte ID" },
        { Frame(0x8003, 1, [0, 0, 0, 1]), "a SYN_STREAM of 4 bytes" },
        { [0x80, 0x03, 0x00, 0x00, 0x00, 0x7F, 0xFF, 0xFF], "a frame of 8388607 bytes; Edge takes at most 1048576" },
    };

    [Theory]
    [MemberData(nameof(ProtocolErrors))]
    public async Task A_frame_that_breaks_the_protocol_ends_the_connection_with_GOAWAY_PROTOCOL_ERROR(byte[] frame, string problem)
    {
        await Send(frame);
        SpdyFrame goAway = await Next();
        Assert.Equal((SpdyControlType.GoAway, (uint)SpdyGoAwayStatus.ProtocolError), (goAway.Type, BinaryPrimitives.ReadUInt32BigEndian(goAway.Payload.AsSpan(4))));
        Assert.Null(await _server.AcceptAsync(Timeout()));
        Assert.True(_server.PeerGone.IsCancellationRequested);
        Assert.Equal(problem, _server.Problem);
    }

    [Fact]
    public async Task A_client_stream_with_an_even_or_repeated_ID_is_a_protocol_error()
    {
        await SynStream(3, fin: false, ("streamtype", "error"));
        await SynStream(1, fin: false, ("streamtype", "stdout"));
        Assert.Equal(SpdyControlType.SynReply, (await Next()).Type);
        Assert.Equal(SpdyControlType.GoAway, (await Next()).Type);
        Assert.Equal("stream 1 opened by the client after stream 3: client streams are odd and increasing", _server.Problem);
    }

    [Fact]
    public async Task A_client_that_hangs_up_mid_frame_ends_the_connection_quietly()
    {
        await _wire.WriteAsync(new byte[] { 0x80, 0x03, 0x00 });
        _client.Client.Shutdown(SocketShutdown.Send);
        Assert.Null(await _server.AcceptAsync(Timeout()));
        Assert.True(_server.PeerGone.IsCancellationRequested);
        Assert.Equal("the connection ended 3 bytes into a frame header", _server.Problem);
    }

    [Fact]
    public async Task The_clients_end_opens_streams_the_server_answers_and_refuses_streams_the_server_opens()
    {
        // Two SpdyConnections over one TCP connection: edgectl's end (client) and the API's (server).
        await using var client = new SpdyConnection(_wire, client: true);
        Task<SpdyStream> opening = client.OpenStreamAsync(new Dictionary<string, string> { ["streamtype"] = "data", ["port"] = "80", ["requestid"] = "1" }, Timeout());
        SpdyStream served = (await _server.AcceptAsync(Timeout()))!;
        SpdyStream opened = await opening;
        Assert.Equal((1u, "80"), (opened.Id, served.Header("port")));
        SpdyStream second = await client.OpenStreamAsync(new Dictionary<string, string> { ["streamtype"] = "error" }, Timeout());
        Assert.Equal(3u, second.Id); // client streams: odd, increasing

        await opened.WriteAsync("ping"u8.ToArray());
        await opened.CloseAsync();
        Assert.Equal("ping", Encoding.ASCII.GetString(await served.ReadToEndAsync(64, Timeout())));
        await served.WriteAsync("pong"u8.ToArray());
        await served.CloseAsync();
        Assert.Equal("pong", Encoding.ASCII.GetString(await opened.ReadToEndAsync(64, Timeout())));
    }

    [Fact]
    public void The_WebSocket_accept_key_is_RFC_6455s()
    {
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", Edge.Host.Api.WebSocketHandshake.AcceptFor("dGhlIHNhbXBsZSBub25jZQ==")); // RFC 6455 1.3's example
    }

    private static byte[] Frame(ushort versionWord, ushort type, byte[] payload)
    {
        byte[] frame = SpdyFrame.Control((SpdyControlType)type, 0, payload);
        BinaryPrimitives.WriteUInt16BigEndian(frame, versionWord);
        return frame;
    }

    private static CancellationToken Timeout() => new CancellationTokenSource(Deadline).Token;

    private async Task Send(byte[] frame) => await _wire.WriteAsync(frame);

    private async Task SynStream(uint id, bool fin, params (string Name, string Value)[] headers)
    {
        byte[] block = _clientEncoder.Encode(headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value)));
        byte[] payload = new byte[10 + block.Length];
        BinaryPrimitives.WriteUInt32BigEndian(payload, id);
        block.CopyTo(payload, 10);
        await Send(SpdyFrame.Control(SpdyControlType.SynStream, fin ? SpdyFrame.FlagFin : (byte)0, payload));
    }

    private async Task<SpdyFrame> Next() =>
        await SpdyFrame.ReadAsync(_wire, Timeout()) ?? throw new Xunit.Sdk.XunitException("the server closed the connection");
}
