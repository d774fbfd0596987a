using BenchmarkDotNet.Running;

namespace Edge.Bench;

public static class Program
{
    public static int Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "dns":
                return DnsThroughput.Run();
            case "sync":
                return SyncSize.Run();
            case "lab":
                return LabTimings.Run(args.Length > 1 ? int.Parse(args[1]) : 3);
            case "speed":
                return SpeedBench.Run();
            case "policy":
                return PolicyBench.Run();
            case "flows":
                return FlowBench.Run();
            case "soak":
                return SoakBench.Run(args.Length > 1 ? int.Parse(args[1]) : 60, args.Length > 2 ? args[2] : "127.0.13.1");
            case "seeds":
                return SeedsBench.Run(args.Length > 1 ? int.Parse(args[1]) : 1000);
            case "budget":
                return MemoryBudget.Run();
            case "memory":
                return MemoryFootprint.Run();
            case "overlay":
                return OverlayThroughput.Run(args.Skip(1).ToArray());
            case "ingress":
                return IngressThroughput.Run(args.Length > 1 ? int.Parse(args[1]) : 2000);
            case "api":
                return ApiBench.Run(args.Length > 1 ? int.Parse(args[1]) : 10);
            case "ui":
                return UiLatency.Run(args.Length > 1 ? int.Parse(args[1]) : 50);
            case "suite-under-load":
                return SuiteUnderLoad.Run(args.Length > 1 ? int.Parse(args[1]) : 5);
            case "fuzz":
                return FuzzBench.Run(args.Skip(1).ToArray());
            case "flood":
                return FloodRecovery.Run();
            case "flood-udp":
                return FloodTraffic.Udp(args[1], int.Parse(args[2]), double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture));
            case "flood-tcp":
                return FloodTraffic.Tcp(args[1], int.Parse(args[2]), double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture), int.Parse(args[4]));
            case "udp-blast":
                return UdpTraffic.Blast(args[1], int.Parse(args[2]), int.Parse(args[3]), double.Parse(args[4]));
            case "udp-sink":
                return UdpTraffic.Sink(args[1], int.Parse(args[2]), double.Parse(args[3]));
            default:
                BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
                return 0;
        }
    }
}
