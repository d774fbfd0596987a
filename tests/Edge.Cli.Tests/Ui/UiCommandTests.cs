namespace Edge.Cli.Tests.Ui;

/// <summary>`edgectl ui` when something is wrong: kubectl's `error: ...` on stderr, exit 1, and what to do.</summary>
[Trait("Category", Category.Unit)]
public sealed class UiCommandTests
{
    [Fact]
    public async Task Without_a_lab_it_says_how_to_start_one()
    {
        CliRun run = await CliRun.OfAsync("ui", "--lab", "no-such-lab-for-the-ui-test");

        Assert.Equal((1, ""), (run.ExitCode, run.Out));
        Assert.StartsWith("error: no cluster to show: start one with `edgectl lab up` (or `edgectl lab up --ui`), or give --server URL", run.Err);
    }

    [Fact]
    public async Task With_the_control_plane_down_it_says_so_before_serving_anything()
    {
        CliRun run = await CliRun.OfAsync("ui", "--server", "http://127.0.0.1:9");

        Assert.Equal((1, ""), (run.ExitCode, run.Out));
        Assert.Equal("error: cannot reach the control plane at http://127.0.0.1:9: is the lab up? (`edgectl lab status`, `edgectl lab up`)\n", run.Err);
    }

    [Fact]
    public async Task A_bad_address_or_port_is_refused_with_what_to_give()
    {
        CliRun address = await CliRun.OfAsync("ui", "--server", "http://127.0.0.1:9", "--address", "projector");
        Assert.Equal((1, "error: --address projector: give an IP address (127.0.0.1, 0.0.0.0) or localhost\n"), (address.ExitCode, address.Err));

        CliRun port = await CliRun.OfAsync("ui", "--server", "http://127.0.0.1:9", "--port", "70000");
        Assert.Equal((1, "error: --port 70000: give 1-65535, or 0 for a free port\n"), (port.ExitCode, port.Err));
    }
}
