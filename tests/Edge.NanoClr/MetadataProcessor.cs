using System.Diagnostics;

namespace Edge.NanoClr;

/// <summary>
/// nanoFramework's metadata processor: turns a .NET assembly compiled against mscorlib 1.x into
/// the .pe image nanoCLR loads, refusing what the format cannot hold (an assembly past 64 KiB of
/// byte code: "Byte code table overflow"). Its exit code says nothing; its output is the
/// verdict. It must run with ICU: its type order decides the native-method checksum, which
/// nanoCLR checks.
/// </summary>
public static class MetadataProcessor
{
    /// <summary>Converts <paramref name="dll"/> into <paramref name="outputDirectory"/>; <paramref name="references"/> are the .dlls it was compiled against (mscorlib first).</summary>
    public static string Convert(NanoClrToolchain toolchain, string dll, IEnumerable<string> references, string outputDirectory)
    {
        string pe = Path.Combine(outputDirectory, Path.GetFileNameWithoutExtension(dll) + ".pe");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "0";
        info.ArgumentList.Add(toolchain.Mdp);
        foreach (string reference in references)
        {
            info.ArgumentList.Add("-loadHints");
            info.ArgumentList.Add(Path.GetFileNameWithoutExtension(reference));
            info.ArgumentList.Add(reference);
        }

        foreach (string arg in new[] { "-parse", dll, "-compile", pe, "false" })
        {
            info.ArgumentList.Add(arg);
        }

        File.Delete(pe);
        using Process process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the metadata processor did not finish converting {dll} in 2 minutes");
        }

        string log = stdout.Result + stderr.Result;
        string[] problems = log.Split('\n').Where(l => l.Contains("xception", StringComparison.Ordinal) || l.Contains("rror:", StringComparison.Ordinal)).ToArray();
        if (problems.Length > 0 || !File.Exists(pe) || new FileInfo(pe).Length == 0)
        {
            throw new ConversionFailedException($"the metadata processor could not convert {Path.GetFileName(dll)}: " +
                (problems.Length > 0 ? string.Join(" | ", problems.Take(3)).Trim() : "no image written"));
        }

        return pe;
    }
}

public sealed class ConversionFailedException(string message) : Exception(message);
