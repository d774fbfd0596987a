namespace Edge.Cli.Tests.Decode;

[Trait("Category", Category.Unit)]
public sealed class DecodeCommandTests
{
    private static readonly string KernelCapture = RepoPaths.Of("tests", "Edge.Dataplane.Tests", "Wire", "Golden", "kernel-vxlan.pcap");

    [Fact]
    public async Task Decodes_the_kernel_VXLAN_capture_layer_by_layer()
    {
        CliRun run = await CliRun.OfAsync("decode", KernelCapture);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Err);
        string[] lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("frame 1: 92 bytes", lines[0]);
        Assert.StartsWith("  Ethernet ", lines[1]);
        Assert.StartsWith("  IPv4 192.168.50.11 > 192.168.50.12, UDP", lines[2]);
        Assert.StartsWith("  UDP ", lines[3]);
        Assert.Equal("  VXLAN vni 1, inner frame 42 bytes", lines[4]);
        Assert.EndsWith("> ff:ff:ff:ff:ff:ff, type ARP", lines[5]);
        Assert.Equal("    ARP who-has 10.244.2.7 tell 10.244.1.5", lines[6]);
        Assert.Contains(lines, l => l.StartsWith("    ICMP echo request, id ") && l.EndsWith(", seq 1, length 64"));
        Assert.Contains(lines, l => l.StartsWith("    TCP ") && l.Contains("[S]") && l.Contains("mss 1410"));
        Assert.Equal("19 frames, 19 decoded, 0 dropped", lines[^1]);
    }

    [Fact]
    public async Task Plain_text_unless_colour_is_asked_for()
    {
        Assert.DoesNotContain("\u001b[", (await CliRun.OfAsync("decode", KernelCapture, "-c", "1")).Out);
        Assert.Contains("\u001b[", (await CliRun.OfAsync(colour: true, "decode", KernelCapture, "-c", "1")).Out);
    }

    [Fact]
    public async Task Count_stops_early()
    {
        CliRun run = await CliRun.OfAsync("decode", KernelCapture, "--count", "2");

        Assert.EndsWith("2 frames, 2 decoded, 0 dropped\n", run.Out);
    }

    [Fact]
    public async Task A_corrupted_frame_is_shown_as_the_board_would_drop_it()
    {
        byte[] capture = File.ReadAllBytes(KernelCapture);
        capture[24 + 16 + 60] ^= 0xFF; // inside frame 1's inner ARP
        string path = Path.GetTempFileName();
        File.WriteAllBytes(path, capture);
        try
        {
            CliRun run = await CliRun.OfAsync("decode", path, "-c", "1");

            Assert.Equal(0, run.ExitCode);
            Assert.Contains("dropped:", run.Out);
            Assert.EndsWith("1 frames, 0 decoded, 1 dropped\n", run.Out);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_capture_cut_short_decodes_what_is_whole_and_warns()
    {
        string path = Path.GetTempFileName();
        File.WriteAllBytes(path, File.ReadAllBytes(KernelCapture)[..500]);
        try
        {
            CliRun run = await CliRun.OfAsync("decode", path);

            Assert.Equal(0, run.ExitCode);
            Assert.StartsWith("warning: ", run.Err);
            Assert.Contains("ends inside frame 4", run.Err);
            Assert.EndsWith("3 frames, 3 decoded, 0 dropped\n", run.Out);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("no-such-file.pcap", "error: the file no-such-file.pcap does not exist")]
    [InlineData("--vxlan-port=70000", "error: --vxlan-port must be between 1 and 65535, not 70000")]
    public async Task User_errors_say_what_is_wrong_on_stderr_with_exit_code_1(string arg, string expected)
    {
        string[] args = arg.StartsWith("--") ? ["decode", KernelCapture, arg] : ["decode", arg];

        CliRun run = await CliRun.OfAsync(args);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Out);
        Assert.Equal(expected, run.Err.TrimEnd());
    }

    [Fact]
    public async Task A_file_that_is_not_a_capture_says_how_to_make_one()
    {
        CliRun run = await CliRun.OfAsync("decode", RepoPaths.Of("Edge.sln"));

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: ", run.Err);
        Assert.Contains("is not a pcap capture", run.Err);
        Assert.Contains("tcpdump -w", run.Err);
    }
}
