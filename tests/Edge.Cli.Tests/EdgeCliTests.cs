namespace Edge.Cli.Tests;

[Trait("Category", Category.Unit)]
public sealed class EdgeCliTests
{
    [Fact]
    public void An_unknown_command_is_an_error_in_kubectls_words()
    {
        CliRun run = CliRun.Of("bogus");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: Unrecognized command or argument 'bogus'.\nSee 'edgectl --help' for usage.\n", run.Err);
    }

    [Fact]
    public void No_arguments_prints_help()
    {
        CliRun run = CliRun.Of();

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Usage:", run.Out);
        Assert.Contains("decode", run.Out);
    }
}
