using Edge.VirtualBoard.Config;

namespace Edge.VirtualBoard;

/// <summary>
/// edge-vboard --config board.json [--capture overlay|POD=FILE.pcap]: boots a virtual board
/// from a static config and runs it until Ctrl+C, optionally mirroring the overlay or a pod's
/// port into a pcap file. Config problems and taken ports print "error: ..." and exit 1.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        string? configPath = null;
        var captures = new List<(string Point, string File)>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--config" && i + 1 < args.Length)
            {
                configPath = args[++i];
            }
            else if (args[i] == "--capture" && i + 1 < args.Length && args[i + 1].Contains('='))
            {
                string[] parts = args[++i].Split('=', 2);
                captures.Add((parts[0], parts[1]));
            }
            else
            {
                configPath = null;
                break;
            }
        }

        if (configPath == null)
        {
            Console.Error.WriteLine("usage: edge-vboard --config BOARD.json [--capture overlay=FILE.pcap] [--capture POD=FILE.pcap]");
            return args.Length == 1 && args[0] is "-h" or "--help" ? 0 : 1;
        }

        var sinks = new List<StreamSink>();
        try
        {
            BoardConfig config = BoardConfigLoader.Load(configPath);
            using var board = new VirtualBoard(config, configPath, Console.Out);
            foreach ((string point, string file) in captures)
            {
                var sink = new StreamSink(File.Create(file));
                sinks.Add(sink);
                if (!board.Capture(point, sink))
                {
                    throw new BoardException($"--capture {point}: not \"overlay\" or the name of a pod on this board ({string.Join(", ", board.Pods.Select(p => p.Sandbox.Name))})");
                }

                Console.WriteLine($"{config.Name}: capturing {point} into {file}");
            }

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
        catch (IOException e)
        {
            Console.Error.WriteLine("error: " + e.Message);
            return 1;
        }
        finally
        {
            sinks.ForEach(s => s.Dispose());
        }
    }
}
