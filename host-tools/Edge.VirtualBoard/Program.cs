using Edge.VirtualBoard.Config;

namespace Edge.VirtualBoard;

/// <summary>
/// edge-vboard --config board.json: boots a virtual board from a static config and runs it
/// until Ctrl+C. Config problems and taken ports print "error: ..." and exit 1.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length != 2 || args[0] != "--config")
        {
            Console.Error.WriteLine("usage: edge-vboard --config BOARD.json");
            return args.Length == 1 && args[0] is "-h" or "--help" ? 0 : 1;
        }

        try
        {
            BoardConfig config = BoardConfigLoader.Load(args[1]);
            using var board = new VirtualBoard(config, args[1], Console.Out);
            using var stop = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                stop.Cancel();
            };
            AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
            Console.WriteLine($"{config.Name}: ready");
            board.Run(stop.Token);
            Console.WriteLine($"{config.Name}: stopped; drops: {board.Node.Drops}");
            return 0;
        }
        catch (BoardException e)
        {
            Console.Error.WriteLine("error: " + e.Message);
            return 1;
        }
    }
}
