namespace Edge.Cli.Tests;

[Trait("Category", Category.Unit)]
public sealed class EdgeCliTests
{
    [Fact]
    public async Task An_unknown_command_is_an_error_in_kubectls_words()
    {
        CliRun run = await CliRun.OfAsync("bogus");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: Unrecognized command or argument 'bogus'.\nSee 'edgectl --help' for usage.\n", run.Err);
    }

    [Fact]
    public async Task No_arguments_prints_help()
    {
        CliRun run = await CliRun.OfAsync();

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Usage:", run.Out);
        Assert.Contains("decode", run.Out);
    }
}

/// <summary>What an attendee meets before any cluster exists: completion, a clear "no lab" error, exit codes.</summary>
[Trait("Category", Category.Unit)]
public sealed class EdgeCliWithoutAClusterTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("edge-nolab-").FullName;
    private readonly string? _previousHome = Environment.GetEnvironmentVariable("EDGE_HOME");

    public EdgeCliWithoutAClusterTests() => Environment.SetEnvironmentVariable("EDGE_HOME", _home);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("EDGE_HOME", _previousHome);
        Directory.Delete(_home, recursive: true);
    }

    [Fact]
    public async Task Completion_scripts_ask_edgectl_itself_and_it_suggests_verbs_and_resource_types()
    {
        CliRun bash = await CliRun.OfAsync("completion", "bash");
        Assert.Equal(0, bash.ExitCode);
        Assert.Contains("complete -o default -F _edgectl_complete edgectl", bash.Out);
        Assert.Contains("[suggest:${COMP_POINT}]", bash.Out);
        Assert.Contains("compdef _edgectl_complete edgectl", (await CliRun.OfAsync("completion", "zsh")).Out);
        Assert.Contains("Register-ArgumentCompleter -Native -CommandName edgectl", (await CliRun.OfAsync("completion", "pwsh")).Out);

        Assert.Contains("exec\n", (await CliRun.OfAsync("[suggest:10]", "edgectl ex")).Out);
        string types = (await CliRun.OfAsync("[suggest:12]", "edgectl get ")).Out;
        Assert.Contains("pods\n", types);
        Assert.Contains("deployments\n", types);
        Assert.Contains("overlaypeers\n", types);
        Assert.DoesNotContain("error", (await CliRun.OfAsync("[suggest:13]", "edgectl exec ")).Err); // no cluster: no names, no noise
    }

    [Fact]
    public async Task Cluster_commands_without_a_lab_say_how_to_start_one()
    {
        CliRun run = await CliRun.OfAsync("get", "pods");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: no cluster to talk to: start one with `edgectl lab up` (or give --server URL)", run.Err);
    }

    [Fact]
    public async Task A_bad_output_format_lists_the_good_ones()
    {
        CliRun run = await CliRun.OfAsync("get", "pods", "-o", "table");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("allowed formats are: custom-columns,custom-columns-file,json,jsonpath,name,wide,yaml", run.Err);
    }
}
