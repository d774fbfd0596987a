using Edge.Dataplane.Wire;

namespace Edge.Cli.Commands.Decode;

/// <summary>Reads a pcap file and prints every frame as Edge's FrameDecoder sees it.</summary>
public sealed class DecodeCommand(CliConsole console)
{
    public int Run(string file, int vxlanPort, int count)
    {
        // Validate
        if (vxlanPort is < 1 or > 65535)
        {
            throw new CliException($"--vxlan-port must be between 1 and 65535, not {vxlanPort}");
        }

        if (count < 0)
        {
            throw new CliException($"--count must be 0 (all) or more, not {count}");
        }

        // Run
        byte[] capture = ReadAll(file);
        var format = new PcapFormat();
        WireError error = Pcap.ParseFileHeader(capture, 0, capture.Length, format, out uint linkType);
        if (error != WireError.None)
        {
            throw new CliException($"{Describe(file)} is not a pcap capture ({WireErrors.Name(error)} file header); " +
                "write one with tcpdump -w or tshark -F pcap -w");
        }

        if (linkType != Pcap.LinkTypeEthernet)
        {
            throw new CliException($"{Describe(file)} has link type {linkType}; edgectl decodes Ethernet captures (link type 1)");
        }

        var decoder = new FrameDecoder { VxlanPort = (ushort)vxlanPort };
        var describer = new FrameDescriber(console);
        var record = new PcapRecord();
        int at = Pcap.FileHeaderLength;
        int frames = 0, failed = 0;
        while (at < capture.Length && (count == 0 || frames < count))
        {
            if (Pcap.ParseRecordHeader(capture, at, capture.Length - at, format, record) != WireError.None
                || record.CapturedLength > capture.Length - at - Pcap.RecordHeaderLength)
            {
                console.Warning($"{Describe(file)} ends inside frame {frames + 1}; decoded the {frames} frames before it");
                break;
            }

            at += Pcap.RecordHeaderLength;
            frames++;
            if (decoder.Decode(capture, at, record.CapturedLength) != WireError.None)
            {
                failed++;
            }

            describer.Describe(frames, record, decoder);
            at += record.CapturedLength;
        }

        console.Out.WriteLine($"{frames} frames, {frames - failed} decoded, {failed} dropped");
        return ExitCodes.Ok;
    }

    private static byte[] ReadAll(string file)
    {
        try
        {
            if (file == "-")
            {
                using var stdin = Console.OpenStandardInput();
                using var buffer = new MemoryStream();
                stdin.CopyTo(buffer);
                return buffer.ToArray();
            }

            return File.ReadAllBytes(file);
        }
        catch (FileNotFoundException)
        {
            throw new CliException($"the file {file} does not exist");
        }
        catch (DirectoryNotFoundException)
        {
            throw new CliException($"the file {file} does not exist");
        }
        catch (UnauthorizedAccessException)
        {
            throw new CliException($"cannot read {file}: permission denied");
        }
        catch (IOException e)
        {
            throw new CliException($"cannot read {file}: {e.Message}");
        }
    }

    private static string Describe(string file) => file == "-" ? "standard input" : file;
}
