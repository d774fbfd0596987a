using System.Runtime.InteropServices;
using System.Text;

namespace Edge.Host.Serial;

/// <summary>
/// A pseudo-terminal pair: the controller end (kept here as a raw fd) and the path of the
/// terminal end (/dev/pts/N), which opens like any serial device. Tests put a board on the
/// controller end and edgectl's serial code on the terminal end.
/// </summary>
public sealed unsafe class PseudoTerminalPair : IDisposable
{
    private PseudoTerminalPair(int controllerFd, string terminalPath)
    {
        ControllerFd = controllerFd;
        TerminalPath = terminalPath;
    }

    public int ControllerFd { get; private set; }
    public string TerminalPath { get; }

    public static PseudoTerminalPair Open()
    {
        int fd = PosixTerminal.PosixOpenPt(PosixTerminal.ORdWr | PosixTerminal.ONoCtty | PosixTerminal.ONonBlock);
        if (fd < 0 || PosixTerminal.GrantPt(fd) != 0 || PosixTerminal.UnlockPt(fd) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (fd >= 0)
            {
                PosixTerminal.Close(fd);
            }

            throw new IOException($"cannot open a pseudo-terminal: {Marshal.GetPInvokeErrorMessage(errno)}");
        }

        byte* name = stackalloc byte[128];
        if (PosixTerminal.PtsNameR(fd, name, 128) != 0)
        {
            PosixTerminal.Close(fd);
            throw new IOException("cannot name the pseudo-terminal");
        }

        // Raw on the controller side too, so bytes pass through untouched in both directions.
        byte* termios = stackalloc byte[PosixTerminal.TermiosSize];
        if (PosixTerminal.TcGetAttr(fd, termios) == 0)
        {
            PosixTerminal.CfMakeRaw(termios);
            PosixTerminal.TcSetAttr(fd, PosixTerminal.TcsaNow, termios);
        }

        return new PseudoTerminalPair(fd, new string((sbyte*)name, 0, Strlen(name), Encoding.UTF8));
    }

    /// <summary>Non-blocking read from the controller end: bytes read, 0 when nothing waits, -1 when the other end has gone.</summary>
    public int ReadController(byte[] buffer, int offset, int length)
    {
        nint n;
        fixed (byte* p = &buffer[offset])
        {
            n = PosixTerminal.Read(ControllerFd, p, length);
        }

        if (n >= 0)
        {
            return (int)n;
        }

        int errno = Marshal.GetLastPInvokeError();
        return errno is PosixTerminal.EAgain or PosixTerminal.EIntr ? 0 : -1;
    }

    /// <summary>Non-blocking write to the controller end: bytes written, 0 when the line is full, -1 on error.</summary>
    public int WriteController(byte[] buffer, int offset, int length)
    {
        nint n;
        fixed (byte* p = &buffer[offset])
        {
            n = PosixTerminal.Write(ControllerFd, p, length);
        }

        if (n >= 0)
        {
            return (int)n;
        }

        int errno = Marshal.GetLastPInvokeError();
        return errno is PosixTerminal.EAgain or PosixTerminal.EIntr ? 0 : -1;
    }

    public void Dispose()
    {
        if (ControllerFd >= 0)
        {
            PosixTerminal.Close(ControllerFd);
            ControllerFd = -1;
        }
    }

    private static int Strlen(byte* s)
    {
        int n = 0;
        while (s[n] != 0)
        {
            n++;
        }

        return n;
    }
}
