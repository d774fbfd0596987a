using System.Runtime.InteropServices;
using Edge.Host.Lab;

namespace Edge.Cli.Commands.Daemons;

/// <summary>
/// What a long-running edgectl process (control plane, virtual board) does about its output
/// and its end: with --log it writes there, detached from the terminal; SIGTERM, SIGINT and
/// SIGHUP stop it cleanly.
/// </summary>
public sealed class ProcessLog : IDisposable
{
    private readonly StreamWriter? _file;
    private readonly List<PosixSignalRegistration> _signals = [];

    public ProcessLog(CliConsole console, string? path)
    {
        if (path != null)
        {
            BackgroundProcess.Detach();
            _file = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
            Writer = TextWriter.Synchronized(_file);
        }
        else
        {
            Writer = TextWriter.Synchronized(console.Out);
        }

        foreach (PosixSignal signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGHUP })
        {
            _signals.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                Stop.Cancel();
            }));
        }
    }

    public TextWriter Writer { get; }

    public CancellationTokenSource Stop { get; } = new();

    public void Line(string text) => Writer.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {text}");

    public void Dispose()
    {
        _signals.ForEach(s => s.Dispose());
        _file?.Dispose();
    }
}
