using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Edge.Cli.Commands.Board;

/// <summary>
/// nanoFramework's flasher (nanoff, a .NET global tool) run as a child process: found on PATH,
/// in ~/.dotnet/tools, or at $EDGE_NANOFF; its output passed through line by line as it works;
/// its E-codes explained in terms of what to do at a workshop table.
/// </summary>
public static partial class Nanoff
{
    public static string Find()
    {
        string? overridden = Environment.GetEnvironmentVariable("EDGE_NANOFF");
        if (!string.IsNullOrEmpty(overridden))
        {
            return File.Exists(overridden) ? overridden : throw new CliException($"EDGE_NANOFF is {overridden}, which does not exist");
        }

        string exe = OperatingSystem.IsWindows() ? "nanoff.exe" : "nanoff";
        string tools = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools");
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Append(tools))
        {
            string candidate = Path.Combine(dir, exe);
            if (dir.Length > 0 && File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new CliException("nanoff (nanoFramework's firmware flasher) is not installed: `dotnet tool install --global nanoff`, "
            + "then open a new terminal (or add ~/.dotnet/tools to PATH) and run this again");
    }

    /// <summary>Runs nanoff; every output line goes to <paramref name="line"/>; a failure becomes a CliException that says what to do.</summary>
    public static void Run(string nanoff, IReadOnlyList<string> args, Action<string> line)
    {
        var start = new ProcessStartInfo(nanoff) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var output = new List<string>();
        using Process process = Process.Start(start) ?? throw new CliException($"could not start {nanoff}");
        void Take(string? text)
        {
            if (text != null)
            {
                lock (output)
                {
                    output.Add(text);
                    line(text);
                }
            }
        }

        process.OutputDataReceived += (_, e) => Take(e.Data);
        process.ErrorDataReceived += (_, e) => Take(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            string all = string.Join("\n", output);
            Match code = ErrorCode().Match(all);
            string what = code.Success ? Explain(code.Value) : $"nanoff exited with {process.ExitCode}";
            throw new CliException($"nanoff {string.Join(' ', args)} failed: {what}");
        }
    }

    /// <summary>nanoff's E-codes that happen at a workshop table, and what to try.</summary>
    public static string Explain(string code) => code switch
    {
        "E4005" or "E6000" => $"{code}: the serial port could not be opened. Is the board plugged in with a data cable, is the port right (`edgectl boards --no-probe`), and is nothing else holding it (a serial monitor, `edgectl up`)? On Linux, your user needs the dialout group.",
        "E6001" => $"{code}: no serial port was given.",
        "E4000" => $"{code}: esptool could not talk to the ESP32. Hold BOOT (IO0) while pressing EN/RESET to force download mode, then try again; a board powered only by PoE may need its USB plugged in too.",
        "E4001" => $"{code}: the board's flash size is not one this target supports: check the --board (the target must match the module on the board).",
        "E4002" or "E4003" => $"{code}: erasing or writing the ESP32's flash failed part-way. Use a shorter or better USB cable, plug into a port on the computer rather than a hub, and flash again.",
        "E4004" => $"{code}: reading the ESP32's flash failed: check the cable and the port.",
        "E2000" or "E2002" => $"{code}: nanoff could not talk to nanoFramework on the board. Flash the firmware first (this command does, without --image-only), then reset the board.",
        "E9005" => $"{code}: nanoff's firmware repository has no image for this target; update nanoff (`dotnet tool update --global nanoff`).",
        "E9007" => $"{code}: the firmware download failed: check this computer's internet connection (nanoff downloads the firmware for the target), or use a cached copy.",
        "E9008" => $"{code}: the application image was not found: build Edge.Firmware (Release) and give its .bin with --image.",
        "E9010" => $"{code}: no device was found on that port.",
        "E9000" => $"{code}: nanoff did not accept the arguments (an old nanoff? `dotnet tool update --global nanoff`).",
        _ => $"{code} (see `nanoff --help`; nanoFramework's flasher documents its exit codes)",
    };

    [GeneratedRegex(@"\bE\d{4}\b")]
    private static partial Regex ErrorCode();
}
