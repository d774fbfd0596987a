namespace Edge.Cli;

public static class Program
{
    public static Task<int> Main(string[] args) => EdgeCli.RunAsync(args, CliConsole.FromSystem());
}
