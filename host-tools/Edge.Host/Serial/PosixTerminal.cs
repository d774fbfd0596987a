using System.Runtime.InteropServices;

namespace Edge.Host.Serial;

/// <summary>
/// The few libc calls a serial line needs on Linux and macOS: open, raw mode at a baud rate
/// (termios through cfmakeraw/cfsetspeed, so the struct's layout never matters here), poll,
/// read, write, close, and pseudo-terminal pairs for tests and for virtual boards on a "wire".
/// </summary>
internal static partial class PosixTerminal
{
    public const int ORdWr = 0x2;
    public const int ONoCtty = OperatingSystemNoCtty;
    public const int ONonBlock = OperatingSystemNonBlock;
    public const int TcsaNow = 0;
    public const short PollIn = 0x1;
    public const short PollOut = 0x4;
    public const int EAgain = 11;
    public const int EIntr = 4;

    private const int OperatingSystemNoCtty = 0x100;   // Linux values; macOS differs (0x20000, 0x4)
    private const int OperatingSystemNonBlock = 0x800;

    /// <summary>termios is 60 bytes on Linux and 72 on macOS; a larger opaque buffer fits both.</summary>
    public const int TermiosSize = 256;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    /// <summary>Starts a new session: a background process (a lab's board or control plane) leaves the terminal's job control.</summary>
    [LibraryImport("libc", EntryPoint = "setsid", SetLastError = true)]
    public static partial int SetSid();

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static unsafe partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static unsafe partial nint Write(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static unsafe partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport("libc", EntryPoint = "tcgetattr", SetLastError = true)]
    public static unsafe partial int TcGetAttr(int fd, byte* termios);

    [LibraryImport("libc", EntryPoint = "tcsetattr", SetLastError = true)]
    public static unsafe partial int TcSetAttr(int fd, int action, byte* termios);

    [LibraryImport("libc", EntryPoint = "cfmakeraw")]
    public static unsafe partial void CfMakeRaw(byte* termios);

    [LibraryImport("libc", EntryPoint = "cfsetspeed", SetLastError = true)]
    public static unsafe partial int CfSetSpeed(byte* termios, uint speed);

    [LibraryImport("libc", EntryPoint = "posix_openpt", SetLastError = true)]
    public static partial int PosixOpenPt(int flags);

    [LibraryImport("libc", EntryPoint = "grantpt", SetLastError = true)]
    public static partial int GrantPt(int fd);

    [LibraryImport("libc", EntryPoint = "unlockpt", SetLastError = true)]
    public static partial int UnlockPt(int fd);

    [LibraryImport("libc", EntryPoint = "ptsname_r", SetLastError = true)]
    public static unsafe partial int PtsNameR(int fd, byte* buffer, nuint length);

    /// <summary>The termios speed constant for a baud rate (Linux's Bxxx values).</summary>
    public static uint SpeedConstant(int baud) => baud switch
    {
        9600 => 0xD,
        19200 => 0xE,
        38400 => 0xF,
        57600 => 0x1001,
        115200 => 0x1002,
        230400 => 0x1003,
        460800 => 0x1004,
        921600 => 0x1007,
        _ => throw new ArgumentException($"baud {baud}: use 9600, 19200, 38400, 57600, 115200, 230400, 460800 or 921600"),
    };
}
