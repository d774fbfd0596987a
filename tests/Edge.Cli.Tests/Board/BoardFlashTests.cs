using Edge.Cli.Tests.Lab;

namespace Edge.Cli.Tests.Board;

/// <summary>
/// `edgectl board flash` against a stand-in nanoff (a script that records its arguments and
/// answers as nanoff does): the right targets and steps, nanoff's progress passed through, its
/// E-codes explained, and a clear way forward when nanoff is not installed.
/// </summary>
[Trait("Category", Category.Firmware)]
public sealed class BoardFlashTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-flash-").FullName;
    private readonly EdgectlProcess _edgectl;

    public BoardFlashTests()
    {
        _edgectl = new EdgectlProcess(_dir, "flash");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string FakeNanoff(string body)
    {
        string path = Path.Combine(_dir, "nanoff");
        File.WriteAllText(path, "#!/bin/sh\necho \"$@\" >> " + Path.Combine(_dir, "calls.log") + "\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        _edgectl.Environment["EDGE_NANOFF"] = path;
        return path;
    }

    private string[] Calls() => File.ReadAllLines(Path.Combine(_dir, "calls.log"));

    [Fact]
    public void Flashing_writes_the_targets_firmware_then_deploys_the_image_with_nanoffs_progress_shown()
    {
        FakeNanoff("echo 'Updating to 1.12.0...'\necho 'OK'\nexit 0");
        string image = Path.Combine(_dir, "Edge.Firmware.bin");
        File.WriteAllBytes(image, [1, 2, 3]);

        CliRun run = _edgectl.Run("board", "flash", "--board", "wt32-eth01", "--port", "/dev/ttyUSB7", "--image", image);

        Assert.True(run.ExitCode == 0, run.Err);
        Assert.Equal(
        [
            "--update --target ESP32_WT32_ETH01 --serialport /dev/ttyUSB7",
            $"--target ESP32_WT32_ETH01 --serialport /dev/ttyUSB7 --deploy --image {image} --reset",
        ], Calls());
        Assert.Contains("[1/2] nanoFramework firmware for ESP32_WT32_ETH01 (Wireless-Tag WT32-ETH01) to /dev/ttyUSB7", run.Out);
        Assert.Contains("      Updating to 1.12.0...", run.Out);
        Assert.Contains("[2/2] Edge application Edge.Firmware.bin to /dev/ttyUSB7", run.Out);
        Assert.Contains("edgectl up --port /dev/ttyUSB7", run.Out);
    }

    [Fact]
    public void Erase_mass_erases_the_flash_with_the_firmware_so_a_board_without_console_or_button_leaves_its_cluster()
    {
        FakeNanoff("echo OK\nexit 0");

        CliRun run = _edgectl.Run("board", "flash", "--board", "wesp32", "--port", "/dev/ttyUSB3", "--erase");
        CliRun imageOnly = _edgectl.Run("board", "flash", "--board", "wesp32", "--port", "/dev/ttyUSB3", "--erase", "--image-only", "--image", "/etc/hostname");

        Assert.True(run.ExitCode == 0, run.Err);
        Assert.Equal(["--update --target ESP32_WESP32 --serialport /dev/ttyUSB3 --masserase"], Calls());
        Assert.Contains("the whole flash erased first (its settings and cluster key go)", run.Out);
        Assert.Equal(1, imageOnly.ExitCode);
        Assert.Contains("error: --erase erases the firmware too: leave out --image-only", imageOnly.Err);
    }

    [Fact]
    public void A_nanoff_error_code_becomes_what_to_do()
    {
        FakeNanoff("echo 'Error E4005: Failed to open specified COM port.' >&2\nexit 165");

        CliRun run = _edgectl.Run("board", "flash", "--board", "ESP32_OLIMEX", "--port", "/dev/ttyUSB9");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error: nanoff --update --target ESP32_OLIMEX --serialport /dev/ttyUSB9 failed: E4005: the serial port could not be opened.", run.Err);
        Assert.Contains("dialout", run.Err);
        Assert.Single(Calls()); // no deploy after a failed firmware update
    }

    [Fact]
    public void Without_nanoff_it_says_how_to_install_it_and_an_unknown_board_lists_the_known_ones()
    {
        _edgectl.Environment["PATH"] = "/nonexistent";
        _edgectl.Environment["HOME"] = _dir;
        CliRun missing = _edgectl.Run("board", "flash", "--board", "wesp32", "--port", "/dev/ttyUSB0");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("error: nanoff (nanoFramework's firmware flasher) is not installed: `dotnet tool install --global nanoff`", missing.Err);

        CliRun unknown = _edgectl.Run("board", "flash", "--board", "esp8266", "--port", "/dev/ttyUSB0");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("no board \"esp8266\"; `edgectl board list` shows the supported ones (esp32-ethernet-kit, olimex-esp32-poe,", unknown.Err);
    }
}
