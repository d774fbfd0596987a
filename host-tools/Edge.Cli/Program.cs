namespace Edge.Cli;

public static class Program
{
    public static int Main(string[] args) => EdgeCli.Run(args, CliConsole.FromSystem());
}
