using Edge.Host.Tests.Trust;
using Edge.Dataplane.Dns;
using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Wire;
using Edge.Host.Sessions;
using Edge.VirtualBoard;

namespace Edge.Host.Tests.Sessions;

/// <summary>
/// The host drives two virtual boards over their management lines (TCP): hello, snapshots
/// acknowledged by generation, heartbeats with pod states, a reboot resynced without
/// disturbing the other board, and noise on the line.
/// </summary>
[Trait("Category", Category.EndToEnd)]
public sealed class BoardSessionEndToEndTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly List<(AgentBoard Board, CancellationTokenSource Stop, Thread Loop)> _boards = [];

    private static uint Ip(string text) => Ipv4Address.TryParse(text, out uint a) ? a : throw new ArgumentException(text);

    private static string Address(int n) => $"127.0.10.{80 + n}";

    private AgentBoard Start(int n)
    {
        var board = new AgentBoard($"node-{n}", Ip(Address(n)), storage: TestCluster.Provisioned());
        var stop = new CancellationTokenSource();
        var loop = new Thread(() => board.Run(stop.Token)) { IsBackground = true };
        loop.Start();
        _boards.Add((board, stop, loop));
        return board;
    }

    private void Stop(AgentBoard board)
    {
        var entry = _boards.Single(b => b.Board == board);
        entry.Stop.Cancel();
        entry.Loop.Join();
        board.Dispose();
        _boards.Remove(entry);
    }

    /// <summary>What a control plane would compile: whoami on node-2 behind NodePort 30080, a toolbox on node-1.</summary>
    private static DesiredState StateFor(int board, uint generation)
    {
        uint web = Ip("10.244.2.5");
        var service = new Service { Name = "web", Type = ServiceType.NodePort, ClusterIp = Ip("10.96.0.20"), Port = 80, NodePort = 30080 };
        service.SetEndpoints([web], [80], [(byte)(EndpointFlags.Ready | EndpointFlags.Serving | (board == 2 ? EndpointFlags.Local : 0))]);
        return new DesiredState
        {
            Generation = generation,
            PodNetwork = Ip($"10.244.{board}.0"),
            Peers = [new PeerSpec { Name = $"node-{3 - board}", PodNetwork = Ip($"10.244.{3 - board}.0"), Address = Ip(Address(3 - board)) }],
            Pods = board == 2
                ? [new PodSpec { Name = "web", Uid = "u-web", Address = web, Containers = ContainerSpec.One("whoami") }]
                : [new PodSpec { Name = "client", Uid = "u-client", Address = Ip("10.244.1.5"), Containers = ContainerSpec.One("toolbox") }],
            Services = [service],
            DnsServices = [new DnsService { Name = "web", ClusterIp = service.ClusterIp }],
        };
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        foreach (var (board, stop, loop) in _boards.ToArray())
        {
            stop.Cancel();
            loop.Join();
            board.Dispose();
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_host_syncs_two_boards_and_traffic_flows_through_what_it_pushed()
    {
        Start(1);
        Start(2);
        await using BoardClient one = await BoardClient.ConnectAsync(Address(1), AgentBoard.DefaultMgmtPort, TestCluster.Key);
        await using BoardClient two = await BoardClient.ConnectAsync(Address(2), AgentBoard.DefaultMgmtPort, TestCluster.Key);

        BoardHello hello = await one.HelloAsync(Timeout);
        Assert.Equal(("node-1", 0u, Messages.FirmwareVersion), (hello.Name, hello.AppliedGeneration, hello.Firmware));

        await one.SendSnapshotAsync(StateFor(1, 1), Timeout);
        await two.SendSnapshotAsync(StateFor(2, 1), Timeout);
        Assert.InRange(one.LastSnapshotBytes, 100, 11_520);

        await WaitFor(() => two.LastHeartbeat?.Pods.SingleOrDefault()?.Phase == "Running", "web Running in a heartbeat");

        // A NodePort on node-1 reaches whoami on node-2: the pushed routes, service and pod all work.
        using var http = new HttpClient { Timeout = Timeout };
        string body = await http.GetStringAsync($"http://{Address(1)}:30080/");
        Assert.Contains("Hostname: web\n", body);
        Assert.Contains("Node: node-2\n", body);

        string iptables = await one.ViewAsync(Edge.Dataplane.Agent.BoardSession.ViewIptables, Timeout);
        Assert.Contains("--comment \"default/web cluster IP\" -m tcp -p tcp -d 10.96.0.20/32 --dport 80", iptables);
    }

    [Fact]
    public async Task A_rebooted_board_says_generation_0_and_is_resynced_without_disturbing_the_other()
    {
        Start(1);
        AgentBoard second = Start(2);
        await using BoardClient one = await BoardClient.ConnectAsync(Address(1), AgentBoard.DefaultMgmtPort, TestCluster.Key);
        await one.SendSnapshotAsync(StateFor(1, 5), Timeout);
        var firstBoard = _boards[0].Board;
        object sandboxBefore = firstBoard.Agent.FindPod("default", "client").Sandbox;
        BoardClient two = await BoardClient.ConnectAsync(Address(2), AgentBoard.DefaultMgmtPort, TestCluster.Key);
        await two.SendSnapshotAsync(StateFor(2, 5), Timeout);
        await two.DisposeAsync();

        Stop(second); // pulled the plug
        Start(2);
        await using BoardClient again = await BoardClient.ConnectAsync(Address(2), AgentBoard.DefaultMgmtPort, TestCluster.Key);
        BoardHello hello = await again.HelloAsync(Timeout);
        Assert.Equal(0u, hello.AppliedGeneration);
        await again.SendSnapshotAsync(StateFor(2, 5), Timeout);

        Assert.Same(sandboxBefore, firstBoard.Agent.FindPod("default", "client").Sandbox);
        await WaitFor(() => again.LastHeartbeat?.Generation == 5, "the rebooted board at generation 5");
    }

    [Fact]
    public async Task A_delta_applies_on_top_of_the_acknowledged_generation_and_only_there()
    {
        AgentBoard board = Start(1);
        await using BoardClient one = await BoardClient.ConnectAsync(Address(1), AgentBoard.DefaultMgmtPort, TestCluster.Key);
        DesiredState first = StateFor(1, 1);
        await one.SendSnapshotAsync(first, Timeout);
        object sandbox = board.Agent.FindPod("default", "client").Sandbox;

        DesiredState second = StateFor(1, 2);
        second.Services[0].SetEndpoints([Ip("10.244.2.5"), Ip("10.244.2.6")], [80, 80], [(byte)(EndpointFlags.Ready | EndpointFlags.Serving), (byte)(EndpointFlags.Ready | EndpointFlags.Serving)]);
        Edge.Host.Compile.StateChange change = Edge.Host.Compile.StateDiff.Compute(first, second)!;
        await one.SendDeltaAsync(1, change, Timeout);

        Assert.Equal(2u, board.Agent.AppliedGeneration);
        Assert.Same(sandbox, board.Agent.FindPod("default", "client").Sandbox);
        Assert.Contains("10.244.2.6:80", await one.ViewAsync(Edge.Dataplane.Agent.BoardSession.ViewIpvs, Timeout));

        var stale = await Assert.ThrowsAsync<BoardSessionException>(() => one.SendDeltaAsync(1, change, Timeout));
        Assert.Contains("delta for another generation than the applied 2: send a snapshot", stale.Message);
        Assert.Equal(2u, board.Agent.AppliedGeneration);
    }

    [Fact]
    public async Task A_capture_streams_the_overlay_as_a_pcap_of_whole_records_until_stopped()
    {
        Start(1);
        Start(2);
        await using BoardClient one = await BoardClient.ConnectAsync(Address(1), AgentBoard.DefaultMgmtPort, TestCluster.Key);
        await using BoardClient two = await BoardClient.ConnectAsync(Address(2), AgentBoard.DefaultMgmtPort, TestCluster.Key);
        await one.SendSnapshotAsync(StateFor(1, 1), Timeout);
        await two.SendSnapshotAsync(StateFor(2, 1), Timeout);
        await WaitFor(() => one.LastHeartbeat?.Pods.SingleOrDefault()?.Phase == "Running" && two.LastHeartbeat?.Pods.SingleOrDefault()?.Phase == "Running", "both pods Running");

        var missing = await Assert.ThrowsAsync<BoardSessionException>(() => two.CaptureAsync("default/nobody", Stream.Null, CancellationToken.None));
        Assert.Contains("no pod default/nobody runs on this board", missing.Message);

        using var stop = new CancellationTokenSource();
        var pcap = new CaptureSink();
        var capturing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<long> capture = two.CaptureAsync("overlay", pcap, stop.Token, () =>
        {
            capturing.TrySetResult(); // the board acknowledged: it mirrors the overlay from here on
            return Task.CompletedTask;
        });
        if (await Task.WhenAny(capturing.Task, capture).WaitAsync(Timeout) == capture)
        {
            await capture; // throws the board's refusal
        }

        Assert.True(capturing.Task.IsCompleted, "the capture ended before the board acknowledged it");
        Assert.Equal(0, await one.ExecAsync("default", "client", ["wget", "-qO-", "http://10.96.0.20/"], null, (_, _) => { }, Timeout));
        await WaitFor(() => WholeRecords(pcap.Written()) >= 6, "six whole records in the capture (a TCP handshake, request, response and close)");
        stop.Cancel();
        long bytes = await capture.WaitAsync(Timeout);

        byte[] file = pcap.Written();
        Assert.Equal(file.Length, bytes);
        var format = new PcapFormat();
        Assert.Equal(WireError.None, Pcap.ParseFileHeader(file, 0, file.Length, format, out uint linkType));
        Assert.Equal(Pcap.LinkTypeEthernet, linkType);
        int offset = Pcap.FileHeaderLength, records = 0;
        var record = new PcapRecord();
        while (offset < file.Length)
        {
            Assert.Equal(WireError.None, Pcap.ParseRecordHeader(file, offset, file.Length - offset, format, record));
            offset += Pcap.RecordHeaderLength + record.CapturedLength;
            records++;
        }

        Assert.Equal(file.Length, offset); // whole records only
        Assert.True(records >= 6, $"{records} frames: a TCP handshake, request, response and close cross the overlay");
    }

    [Fact]
    public async Task Noise_on_the_line_costs_nothing_but_the_noise()
    {
        AgentBoard board = Start(1);
        await using BoardClient one = await BoardClient.ConnectAsync(Address(1), AgentBoard.DefaultMgmtPort, TestCluster.Key);
        await one.HelloAsync(Timeout);
        byte[] noise = new byte[3000];
        new Random(11).NextBytes(noise);

        await one.WriteRawAsync(noise);
        await one.SendSnapshotAsync(StateFor(1, 9), Timeout);

        Assert.Equal(9u, board.Agent.AppliedGeneration);
    }

    [Fact]
    public async Task Exec_runs_a_tool_in_a_pod_and_streams_its_output_and_exit_code()
    {
        Start(1);
        Start(2);
        await using BoardClient one = await BoardClient.ConnectAsync(Address(1), AgentBoard.DefaultMgmtPort, TestCluster.Key);
        await using BoardClient two = await BoardClient.ConnectAsync(Address(2), AgentBoard.DefaultMgmtPort, TestCluster.Key);
        await one.SendSnapshotAsync(StateFor(1, 1), Timeout);
        await two.SendSnapshotAsync(StateFor(2, 1), Timeout);
        await WaitFor(() => two.LastHeartbeat?.Pods.SingleOrDefault()?.Phase == "Running" && one.LastHeartbeat?.Pods.SingleOrDefault()?.Phase == "Running", "both pods Running");

        var stdout = new System.Text.StringBuilder();
        var stderr = new System.Text.StringBuilder();
        void Output(int stream, ReadOnlyMemory<byte> bytes) => (stream == 1 ? stdout : stderr).Append(System.Text.Encoding.ASCII.GetString(bytes.Span));

        int exit = await one.ExecAsync("default", "client", ["wget", "-qO-", "http://10.96.0.20/"], null, Output, Timeout);
        Assert.Equal(0, exit);
        Assert.Contains("Hostname: web\n", stdout.ToString());
        Assert.Matches(@"^10\.244\.1\.5:\d+ ""GET / HTTP/1\.1"" 200\n$", await two.LogsAsync("default", "web", Timeout)); // whoami's access log
        await Assert.ThrowsAsync<BoardSessionException>(() => one.LogsAsync("default", "web", Timeout));

        stdout.Clear();
        exit = await one.ExecAsync("default", "client", ["bash"], null, Output, Timeout);
        Assert.Equal(127, exit);
        Assert.Contains("executable file not found", stderr.ToString());

        stderr.Clear();
        exit = await one.ExecAsync("default", "web", ["ping", "-c", "1", "10.244.2.5"], null, Output, Timeout);
        Assert.Equal(1, exit);
        Assert.Equal("error: pod default/web is not on this board\n", stderr.ToString());
    }

    [Fact]
    public async Task A_cancelled_exec_stops_the_tool_on_the_board()
    {
        Start(1);
        await using BoardClient one = await BoardClient.ConnectAsync(Address(1), AgentBoard.DefaultMgmtPort, TestCluster.Key);
        await one.SendSnapshotAsync(StateFor(1, 1), Timeout);
        await WaitFor(() => one.LastHeartbeat?.Pods.SingleOrDefault()?.Phase == "Running", "client Running");
        using var cancel = new CancellationTokenSource();
        var stdout = new System.Text.StringBuilder();
        var pinging = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Task<int> exec = one.ExecAsync("default", "client", ["ping", "10.244.1.77"], null, (_, bytes) =>
        {
            lock (stdout)
            {
                stdout.Append(System.Text.Encoding.ASCII.GetString(bytes.Span));
                if (stdout.ToString().Contains('\n'))
                {
                    pinging.TrySetResult(); // its first line: the tool runs on the board (and pings an address nobody has, for ever)
                }
            }
        }, Timeout, cancel.Token);
        Task first = await Task.WhenAny(pinging.Task, exec).WaitAsync(Timeout);
        Assert.True(first == pinging.Task, $"the exec ended before ping printed a line: {stdout}");
        cancel.Cancel();
        int exit = await exec;

        Assert.Equal(130, exit);
        Assert.StartsWith("PING 10.244.1.77 (10.244.1.77): 56 data bytes", stdout.ToString());
    }

    /// <summary>Board 1's state with an echo pod (RFC 862, port 7) beside the toolbox.</summary>
    private static DesiredState WithEcho(uint generation)
    {
        DesiredState state = StateFor(1, generation);
        state.Pods = [.. state.Pods, new PodSpec { Name = "echo", Uid = "u-echo", Address = Ip("10.244.1.6"), Containers = ContainerSpec.One("echo") }];
        return state;
    }

    [Fact]
    public async Task A_forward_carries_more_than_the_boards_input_ring_both_ways_and_ends_when_the_pod_closes()
    {
        Start(1);
        await using BoardClient one = await BoardClient.ConnectAsync(Address(1), AgentBoard.DefaultMgmtPort, TestCluster.Key);
        await one.SendSnapshotAsync(WithEcho(1), Timeout);
        await WaitFor(() => one.LastHeartbeat?.Pods.Count(p => p.Phase == "Running") == 2, "the echo pod Running");

        // Ten times the board's input ring, in pieces of every size: only the credit the board hands out is ever in flight.
        byte[] sent = new byte[10 * Edge.Dataplane.Agent.ExecRun.InputBytes];
        new Random(7).NextBytes(sent);
        var input = System.Threading.Channels.Channel.CreateUnbounded<byte[]>();
        for (int offset = 0, size = 1; offset < sent.Length; offset += size, size = size * 3 % 1500 + 1)
        {
            input.Writer.TryWrite(sent.AsSpan(offset, Math.Min(size, sent.Length - offset)).ToArray());
        }

        input.Writer.Complete(); // the client's end: the board half-closes, echo answers the rest and closes
        var echoed = new MemoryStream();
        var errors = new System.Text.StringBuilder();
        int exit = await one.ForwardAsync("default", "echo", 7, input.Reader, (stream, bytes) =>
        {
            lock (echoed)
            {
                if (stream == 1)
                {
                    echoed.Write(bytes.Span);
                }
                else
                {
                    errors.Append(System.Text.Encoding.ASCII.GetString(bytes.Span));
                }
            }
        }, new CancellationTokenSource(Timeout).Token);

        Assert.Equal((0, ""), (exit, errors.ToString()));
        Assert.Equal(sent, echoed.ToArray());
    }

    [Fact]
    public async Task A_forward_says_why_it_could_not_connect_and_a_board_forwards_one_connection_at_a_time()
    {
        Start(1);
        await using BoardClient one = await BoardClient.ConnectAsync(Address(1), AgentBoard.DefaultMgmtPort, TestCluster.Key);
        await one.SendSnapshotAsync(WithEcho(1), Timeout);
        await WaitFor(() => one.LastHeartbeat?.Pods.Count(p => p.Phase == "Running") == 2, "the echo pod Running");

        async Task<(int, string)> Forward(string pod, int port, System.Threading.Channels.Channel<byte[]> input, CancellationToken cancel)
        {
            var said = new System.Text.StringBuilder();
            int exit = await one.ForwardAsync("default", pod, port, input.Reader, (_, bytes) =>
            {
                lock (said)
                {
                    said.Append(System.Text.Encoding.ASCII.GetString(bytes.Span));
                }
            }, cancel);
            return (exit, said.ToString());
        }

        using var deadline = new CancellationTokenSource(Timeout);
        Assert.Equal((1, "failed to connect to localhost:81 inside the pod: connection refused\n"), await Forward("echo", 81, System.Threading.Channels.Channel.CreateUnbounded<byte[]>(), deadline.Token));
        Assert.Equal((1, "error: pod default/web is not on this board\n"), await Forward("web", 80, System.Threading.Channels.Channel.CreateUnbounded<byte[]>(), deadline.Token));

        // An open forward (its client still sending) holds the board's one slot: a second is refused, and Ctrl+C frees it.
        var open = System.Threading.Channels.Channel.CreateUnbounded<byte[]>();
        using var stopFirst = new CancellationTokenSource();
        var echoedFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<int> first = one.ForwardAsync("default", "echo", 7, open.Reader, (_, _) => echoedFirst.TrySetResult(), stopFirst.Token);
        open.Writer.TryWrite("ping"u8.ToArray());
        await echoedFirst.Task.WaitAsync(Timeout);
        (int busy, string why) = await Forward("echo", 7, System.Threading.Channels.Channel.CreateUnbounded<byte[]>(), deadline.Token);
        Assert.Equal(126, busy);
        Assert.Contains("already running a command or forward (one at a time)", why);
        stopFirst.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        Assert.Equal((0, "again"), await ForwardWhenFree(() =>
        {
            var again = System.Threading.Channels.Channel.CreateUnbounded<byte[]>();
            again.Writer.TryWrite("again"u8.ToArray());
            again.Writer.Complete();
            return Forward("echo", 7, again, deadline.Token);
        }));
    }

    /// <summary>The board ends a cancelled forward on its next turn: until then a new one is refused as busy (126), so ask again.</summary>
    private static async Task<(int, string)> ForwardWhenFree(Func<Task<(int, string)>> forward)
    {
        for (int i = 0; ; i++)
        {
            (int exit, string said) = await forward();
            if (exit != 126 || i == 50)
            {
                return (exit, said);
            }

            await Task.Delay(100);
        }
    }

    /// <summary>How many whole records a pcap stream's bytes so far hold (a record may still be arriving).</summary>
    private static int WholeRecords(byte[] file)
    {
        var format = new PcapFormat();
        if (Pcap.ParseFileHeader(file, 0, file.Length, format, out _) != WireError.None)
        {
            return 0;
        }

        int offset = Pcap.FileHeaderLength, records = 0;
        var record = new PcapRecord();
        while (file.Length - offset >= Pcap.RecordHeaderLength
            && Pcap.ParseRecordHeader(file, offset, file.Length - offset, format, record) == WireError.None
            && file.Length - offset - Pcap.RecordHeaderLength >= record.CapturedLength)
        {
            offset += Pcap.RecordHeaderLength + record.CapturedLength;
            records++;
        }

        return records;
    }

    /// <summary>Where a capture writes: what it has written so far can be read while it writes.</summary>
    private sealed class CaptureSink : Stream
    {
        private readonly MemoryStream _bytes = new();

        public byte[] Written()
        {
            lock (_bytes)
            {
                return _bytes.ToArray();
            }
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            lock (_bytes)
            {
                _bytes.Write(buffer);
            }
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override void Flush()
        {
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private static async Task WaitFor(Func<bool> condition, string what)
    {
        for (int i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(100);
        }

        Assert.True(condition(), "timed out waiting for " + what);
    }
}
