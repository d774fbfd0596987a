using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Platform;
using Edge.Dataplane.Wire;
using Edge.Host.Serial;
using Edge.Host.Sessions;
using Edge.VirtualBoard;

namespace Edge.Host.Tests.Serial;

/// <summary>
/// The serial transport over a real pseudo-terminal pair: edgectl's SerialLine opens the
/// terminal end raw at 115200 as it would /dev/ttyUSB0; a virtual board's session runs on the
/// controller end. Noise is injected in both directions.
/// </summary>
[Trait("Category", Category.EndToEnd)]
public sealed class SerialLineTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly PseudoTerminalPair _pty = PseudoTerminalPair.Open();
    private readonly CancellationTokenSource _stop = new();
    private AgentBoard? _board;
    private Thread? _loop;

    /// <summary>The board's end of the wire.</summary>
    private sealed class ControllerLine(PseudoTerminalPair pty) : IByteStream
    {
        public int Read(byte[] buffer, int offset, int length) => pty.ReadController(buffer, offset, length);

        public int Write(byte[] buffer, int offset, int length) => pty.WriteController(buffer, offset, length);
    }

    private AgentBoard StartBoard()
    {
        Assert.True(Ipv4Address.TryParse("127.0.10.95", out uint address));
        _board = new AgentBoard("node-1", address, mgmtPort: 7995);
        _board.AttachLine(new ControllerLine(_pty));
        _loop = new Thread(() => _board.Run(_stop.Token)) { IsBackground = true };
        _loop.Start();
        return _board;
    }

    [Fact]
    public async Task A_board_on_a_pseudo_terminal_syncs_through_noise_both_ways()
    {
        using SerialLine line = SerialLine.Open(_pty.TerminalPath, 115200);
        var noise = new byte[2000];
        new Random(5).NextBytes(noise);
        Assert.Equal(noise.Length, _pty.WriteController(noise, 0, noise.Length)); // garbage before the board says anything

        AgentBoard board = StartBoard();
        await using BoardClient client = BoardClient.Over(line);
        BoardHello hello = await client.HelloAsync(Timeout);
        Assert.Equal(("node-1", 0u), (hello.Name, hello.AppliedGeneration));
        Assert.True(client.GarbageBytes >= noise.Length - 16, $"{client.GarbageBytes} garbage bytes counted");

        await client.WriteRawAsync(noise); // and garbage towards the board
        Assert.True(Ipv4Address.TryParse("10.244.1.5", out uint podIp));
        await client.SendSnapshotAsync(new DesiredState
        {
            Generation = 3,
            PodNetwork = podIp & 0xFFFFFF00,
            Pods = [new PodSpec { Name = "web", Uid = "u-1", Address = podIp, Containers = ContainerSpec.One("whoami") }],
        }, Timeout);

        Assert.Equal(3u, board.Agent.AppliedGeneration);
        for (int i = 0; i < 50 && client.LastHeartbeat?.Pods.FirstOrDefault()?.Phase != "Running"; i++)
        {
            await Task.Delay(100);
        }

        Assert.Equal("Running", client.LastHeartbeat?.Pods.Single().Phase);
    }

    [Fact]
    public async Task A_host_that_opens_the_port_after_the_boards_hello_asks_for_it_again()
    {
        StartBoard();
        using SerialLine line = SerialLine.Open(_pty.TerminalPath, 115200);
        byte[] missed = new byte[256];
        Assert.True(await line.ReadAsync(missed).AsTask().WaitAsync(Timeout) > 0); // the boot-time hello, read by someone else

        await using BoardClient client = BoardClient.Over(line);
        BoardHello hello = await client.HelloAsync(Timeout);

        Assert.Equal("node-1", hello.Name);
    }

    [Fact]
    public void Opening_what_is_not_there_says_what_to_do()
    {
        var missing = Assert.Throws<IOException>(() => SerialLine.Open("/dev/ttyUSB-edge-missing"));
        Assert.Contains("is the board plugged in?", missing.Message);

        string file = Path.GetTempFileName();
        try
        {
            Assert.Contains("not a serial line", Assert.Throws<IOException>(() => SerialLine.Open(file)).Message);
        }
        finally
        {
            File.Delete(file);
        }

        Assert.Contains("use 9600", Assert.Throws<ArgumentException>(() => SerialLine.Open(_pty.TerminalPath, 12345)).Message);
    }

    [Fact]
    public async Task A_read_returns_when_the_board_end_goes_away()
    {
        using SerialLine line = SerialLine.Open(_pty.TerminalPath);
        Task<int> read = line.ReadAsync(new byte[64]).AsTask();
        var deadline = DateTime.UtcNow + Timeout;
        while (read.Status != TaskStatus.Running && !read.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }

        Assert.Equal(TaskStatus.Running, read.Status); // a thread has taken the read: it waits in poll(), a slice at a time

        // A window of two poll slices over which the read must NOT return (nothing came), not a wait for anything.
        Assert.NotSame(read, await Task.WhenAny(read, Task.Delay(200)));

        _pty.Dispose(); // the USB cable is pulled

        Assert.Equal(0, await read.WaitAsync(Timeout));
    }

    public void Dispose()
    {
        _stop.Cancel();
        _loop?.Join();
        _board?.Dispose();
        _pty.Dispose();
    }
}
