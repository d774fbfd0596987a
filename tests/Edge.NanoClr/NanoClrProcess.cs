using System.Diagnostics;
using System.Text;

namespace Edge.NanoClr;

/// <summary>
/// One run of the nanoCLR interpreter over a set of .pe images (mscorlib first, the program's
/// entry assembly last). The 64-bit interpreter runs natively; the 32-bit one runs under
/// qemu-i386 and lays the managed heap out as a board does (12-byte blocks, 4-byte pointers).
/// A run that outlives its deadline is killed and reported, never left behind.
/// </summary>
public static class NanoClrProcess
{
    public static NanoClrRun Run(NanoClrToolchain toolchain, IEnumerable<string> images, TimeSpan deadline, bool x86 = false)
    {
        string interpreter = toolchain.Interpreter(x86);
        string libraries = Path.GetDirectoryName(interpreter)!;
        ProcessStartInfo info;
        if (x86)
        {
            string qemu = ExecutablePath.Find("qemu-i386") ?? throw new InvalidOperationException(
                "the 32-bit interpreter runs under qemu-i386: apt-get install qemu-user libc6-i386 lib32stdc++6");
            info = new ProcessStartInfo(qemu);
            info.ArgumentList.Add("-E");
            info.ArgumentList.Add("LD_LIBRARY_PATH=" + libraries);
            info.ArgumentList.Add(interpreter);
        }
        else
        {
            info = new ProcessStartInfo(interpreter);
            info.Environment["LD_LIBRARY_PATH"] = libraries;
        }

        foreach (string image in images)
        {
            info.ArgumentList.Add(image);
        }

        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;

        var output = new StringBuilder();
        using Process process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { if (e.Data != null) { lock (output) { output.Append(e.Data.TrimEnd('\r')).Append('\n'); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) { lock (output) { output.Append(e.Data.TrimEnd('\r')).Append('\n'); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        bool finished = process.WaitForExit(deadline);
        if (!finished)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        else
        {
            process.WaitForExit(); // drains the output readers
        }

        lock (output)
        {
            return new NanoClrRun(output.ToString(), finished ? process.ExitCode : null);
        }
    }
}

/// <summary>What nanoCLR printed: the loader's lines up to "Ready.", then the program's.</summary>
public sealed record NanoClrRun(string Output, int? ExitCode)
{
    public bool TimedOut => ExitCode == null;

    /// <summary>The assemblies resolved and the program started.</summary>
    public bool Started => Output.Contains("\nReady.\n", StringComparison.Ordinal);

    /// <summary>A managed exception reached the top of a thread, or the interpreter asserted.</summary>
    public bool Crashed => Output.Contains("Unhandled exception", StringComparison.Ordinal)
        || Output.Contains("assertion failed", StringComparison.OrdinalIgnoreCase);

    /// <summary>What the program printed (after the loader's "Ready.").</summary>
    public string Program
    {
        get
        {
            int at = Output.IndexOf("\nReady.\n", StringComparison.Ordinal);
            return at < 0 ? "" : Output[(at + "\nReady.\n".Length)..];
        }
    }

    /// <summary>A short account for a failure message: the loader's complaint or the program's end.</summary>
    public string Tail(int lines = 15) =>
        string.Join('\n', (Started ? Program : Output).Split('\n').TakeLast(lines));
}
