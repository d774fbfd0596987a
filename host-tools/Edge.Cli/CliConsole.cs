using Spectre.Console;

namespace Edge.Cli;

/// <summary>
/// Where a command writes: stdout and stderr, plus whether to colour. Colour only on a
/// terminal, never when output is redirected or NO_COLOR is set (no-color.org), so pipes and
/// files get plain text. Tests construct one over StringWriters.
/// </summary>
public sealed class CliConsole
{
    public CliConsole(TextWriter output, TextWriter error, bool colour, TextReader? input = null)
    {
        In = input ?? TextReader.Null;
        Out = output;
        Err = error;
        Colour = colour;
        Styled = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = colour ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = colour ? ColorSystemSupport.Standard : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });

        // Lines are records (like tcpdump's), not prose: never wrap them at the terminal width.
        Styled.Profile.Width = 4096;
    }

    /// <summary>Standard input (`apply -f -`).</summary>
    public TextReader In { get; }

    public TextWriter Out { get; }

    public TextWriter Err { get; }

    public bool Colour { get; }

    /// <summary>Stdout with Spectre markup; markup is stripped when not colouring.</summary>
    public IAnsiConsole Styled { get; }

    public static CliConsole FromSystem()
    {
        bool colour = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null or ""
            && Environment.GetEnvironmentVariable("TERM") != "dumb";
        return new CliConsole(Console.Out, Console.Error, colour, Console.In);
    }

    /// <summary>kubectl's form: "error: ..." on stderr.</summary>
    public void Error(string message) => Err.WriteLine("error: " + message);

    public void Warning(string message) => Err.WriteLine("warning: " + message);
}
