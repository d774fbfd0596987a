using System.CommandLine;
using Edge.Cli.Output;
using Edge.Dataplane.Boards;

namespace Edge.Cli.Commands.Board;

/// <summary>
/// <c>edgectl board list</c> (the supported boards and their memory classes) and
/// <c>edgectl board flash --board ID --port PORT [--image FILE] [--erase]</c> (nanoFramework's
/// firmware for the board's target with nanoff, the flash mass-erased first when asked, then the
/// Edge application image), with nanoff's progress
/// shown as it comes and its errors explained; <c>edgectl board provision</c> (ProvisionCommand).
/// </summary>
public static class BoardCommand
{
    public static Command Create(CliConsole console)
    {
        var list = new Command("list", "The boards Edge supports");
        list.SetAction(_ =>
        {
            TextTable.Write(console.Out, ["BOARD", "NANOFF TARGET", "PHY", "RMII CLOCK", "MEMORY", "PODS", "SERVICES", "DESCRIPTION"],
                BoardProfiles.All.Select(p =>
                {
                    var c = new Dataplane.Net.NodeConfig();
                    MemoryClass.Apply(p.MemoryClass, c);
                    return (IReadOnlyList<string>)[p.Id, p.NanoffTarget, p.Phy, p.RmiiClock, MemoryClass.Name(p.MemoryClass), c.MaxPods.ToString(), c.MaxServices.ToString(), p.Title];
                }));
            return ExitCodes.Ok;
        });

        var board = new Option<string>("--board", "-b") { Description = "The board (edgectl board list)", Required = true };
        var port = new Option<string>("--port", "-p") { Description = "Its serial port (edgectl boards --no-probe)", Required = true };
        var image = new Option<string?>("--image") { Description = "The Edge application image to deploy after the firmware (Edge.Firmware's .bin)" };
        var imageOnly = new Option<bool>("--image-only") { Description = "Deploy the image only; the board already runs nanoFramework" };
        var erase = new Option<bool>("--erase") { Description = "Erase the whole flash first (nanoff --masserase): the board's settings and cluster key go with it; the way out of a cluster for a board with neither console nor button" };
        var flash = new Command("flash", "Write nanoFramework's firmware (nanoff) and the Edge application to a board") { board, port, image, imageOnly, erase };
        flash.SetAction(parsed =>
        {
            string id = parsed.GetValue(board)!;
            BoardProfile profile = BoardProfiles.Find(id)
                ?? throw new CliException($"no board \"{id}\"; `edgectl board list` shows the supported ones ({string.Join(", ", BoardProfiles.All.Select(p => p.Id))})");
            string serial = parsed.GetValue(port)!;
            string? app = parsed.GetValue(image);
            if (app != null && !File.Exists(app))
            {
                throw new CliException($"--image {app} does not exist: build firmware/Edge.Firmware (Release) with the nanoFramework toolchain first");
            }

            if (parsed.GetValue(imageOnly) && app == null)
            {
                throw new CliException("--image-only needs --image FILE");
            }

            if (parsed.GetValue(imageOnly) && parsed.GetValue(erase))
            {
                throw new CliException("--erase erases the firmware too: leave out --image-only");
            }

            string nanoff = Nanoff.Find();
            int steps = (parsed.GetValue(imageOnly) ? 0 : 1) + (app != null ? 1 : 0);
            int step = 0;
            if (!parsed.GetValue(imageOnly))
            {
                bool erasing = parsed.GetValue(erase);
                console.Out.WriteLine($"[{++step}/{steps}] nanoFramework firmware for {profile.NanoffTarget} ({profile.Title}) to {serial}"
                    + (erasing ? ", the whole flash erased first (its settings and cluster key go)" : ""));
                string[] update = ["--update", "--target", profile.NanoffTarget, "--serialport", serial];
                Nanoff.Run(nanoff, erasing ? [.. update, "--masserase"] : update, l => console.Out.WriteLine("      " + l));
            }

            if (app != null)
            {
                console.Out.WriteLine($"[{++step}/{steps}] Edge application {Path.GetFileName(app)} to {serial}");
                Nanoff.Run(nanoff, ["--target", profile.NanoffTarget, "--serialport", serial, "--deploy", "--image", app, "--reset"], l => console.Out.WriteLine("      " + l));
            }

            console.Out.WriteLine(app == null
                ? $"✓ {serial} runs nanoFramework for {profile.NanoffTarget}; deploy Edge with --image (the Edge.Firmware .bin) next"
                : $"✓ {serial} runs Edge; it joins with `edgectl up --port {serial}` (`edgectl boards` shows it)");
            return ExitCodes.Ok;
        });

        return new Command("board", "Supported boards, flashing one (nanoff) and provisioning it") { list, flash, ProvisionCommand.Create(console), ProvisionCommand.CreateForget(console), RekeyCommand.Create(console) };
    }
}
