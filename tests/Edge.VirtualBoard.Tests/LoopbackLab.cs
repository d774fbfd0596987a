using System.Diagnostics;
using Edge.Dataplane.Wire;
using Edge.VirtualBoard.Config;

namespace Edge.VirtualBoard.Tests;

/// <summary>Virtual boards in this process on real sockets, driven in turn until a condition holds.</summary>
public sealed class LoopbackLab : IDisposable
{
    public List<VirtualBoard> Boards { get; } = [];

    public VirtualBoard Add(BoardConfig config)
    {
        var board = BindWithRetry(config);
        Boards.Add(board);
        return board;
    }

    /// <summary>
    /// A board that must also hold its DNS port (53 on its address): the board's DNS gives up that
    /// port quietly when it is taken, and a copy of the previous test's socket held by a child
    /// process for a moment takes it, as <see cref="BindWithRetry"/> says; so the board is made
    /// again until it holds it, for as long as a port is given to come free.
    /// </summary>
    public VirtualBoard AddServingDns(BoardConfig config)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            VirtualBoard board = BindWithRetry(config);
            if (board.Node.Dns.ListeningOnBoard || watch.ElapsedMilliseconds >= 1000)
            {
                Boards.Add(board);
                return board;
            }

            board.Dispose();
            Thread.Sleep(20);
        }
    }

    /// <summary>
    /// Tests in one class reuse one address, and tests in other classes start programs (dig,
    /// tshark, ip) all the time. A child process holds copies of this process's sockets from
    /// fork until its exec closes them, so a port freed a moment ago can still be taken for a
    /// few milliseconds. Retry briefly; a real conflict still fails after the grace period.
    /// </summary>
    private static VirtualBoard BindWithRetry(BoardConfig config)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new VirtualBoard(config, config.Name + ".json");
            }
            catch (BoardException e) when (e.Message.Contains("already in use") && watch.ElapsedMilliseconds < 1000)
            {
                Thread.Sleep(20);
            }
        }
    }

    /// <summary>Polls every board until done() or the timeout (real time).</summary>
    public bool RunUntil(Func<bool> done, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (done())
            {
                return true;
            }

            int work = 0;
            foreach (VirtualBoard board in Boards)
            {
                work += board.PollOnce();
            }

            if (work == 0)
            {
                Boards[0].WaitForWork(200);
            }
        }

        return done();
    }

    public static BoardConfig Config(int n, int boards, string address, params PodConfig[] pods) => new()
    {
        Name = $"node-{n}",
        Address = address,
        PodCidr = $"10.244.{n}.0/24",
        Peers = Enumerable.Range(1, boards).Where(i => i != n)
            .Select(i => new PeerConfig { Name = $"node-{i}", Address = address[..address.LastIndexOf('.')] + "." + i, PodCidr = $"10.244.{i}.0/24" }).ToList(),
        Pods = pods.ToList(),
    };

    public static uint Ip(string text)
    {
        Assert.True(Ipv4Address.TryParse(text, out uint address), text);
        return address;
    }

    public void Dispose()
    {
        foreach (VirtualBoard board in Boards)
        {
            board.Dispose();
        }
    }
}
