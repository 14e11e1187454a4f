using System.Runtime.InteropServices;

namespace TermChat.Tui.Backends;

/// <summary>libc calls for raw mode, window size and non-blocking input polling on Linux.</summary>
internal static partial class LinuxTerminal
{
    public const int StdIn = 0;
    public const int StdOut = 1;

    private const int TcsaNow = 0;
    private const nuint TiocGWinSz = 0x5413;
    private const short PollIn = 0x0001;

    // Flag values from <asm-generic/termbits.h>.
    private const uint IgnBrk = 0x1, BrkInt = 0x2, ParMrk = 0x8, IStrip = 0x20, InlCr = 0x40, IgnCr = 0x80, ICrNl = 0x100, IXon = 0x400;
    private const uint OPost = 0x1;
    private const uint ISig = 0x1, ICanon = 0x2, Echo = 0x8, EchoNl = 0x40, IExten = 0x8000;
    private const uint CSize = 0x30, Cs8 = 0x30, ParEnb = 0x100;
    private const int VTime = 5, VMin = 6;

    public static bool TryGetAttributes(out Termios termios) => tcgetattr(StdIn, out termios) == 0;

    public static bool TrySetAttributes(in Termios termios) => tcsetattr(StdIn, TcsaNow, in termios) == 0;

    /// <summary>The same transformation as glibc's cfmakeraw.</summary>
    public static Termios MakeRaw(Termios t)
    {
        t.InputFlags &= ~(IgnBrk | BrkInt | ParMrk | IStrip | InlCr | IgnCr | ICrNl | IXon);
        t.OutputFlags &= ~OPost;
        t.LocalFlags &= ~(Echo | EchoNl | ICanon | ISig | IExten);
        t.ControlFlags &= ~(CSize | ParEnb);
        t.ControlFlags |= Cs8;
        t.ControlCharacters[VMin] = 1;
        t.ControlCharacters[VTime] = 0;
        return t;
    }

    public static bool TryGetWindowSize(out int width, out int height)
    {
        if (ioctl(StdOut, TiocGWinSz, out var size) == 0 && size.Columns > 0 && size.Rows > 0)
        {
            width = size.Columns;
            height = size.Rows;
            return true;
        }

        width = height = 0;
        return false;
    }

    /// <summary>Waits up to <paramref name="timeoutMs"/> for stdin to become readable.</summary>
    public static unsafe bool PollReadable(int timeoutMs)
    {
        var fd = new PollFd { Fd = StdIn, Events = PollIn };
        return poll(&fd, 1, timeoutMs) > 0 && (fd.ReturnedEvents & PollIn) != 0;
    }

    /// <summary>Reads available bytes from stdin; returns 0 at end of input and -1 on error.</summary>
    public static unsafe int Read(Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            return (int)read(StdIn, p, (nuint)buffer.Length);
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int tcgetattr(int fd, out Termios termios);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int tcsetattr(int fd, int optionalActions, in Termios termios);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int ioctl(int fd, nuint request, out WinSize size);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int poll(PollFd* fds, nuint count, int timeout);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial nint read(int fd, byte* buffer, nuint count);

    [StructLayout(LayoutKind.Sequential)]
    private struct WinSize
    {
        public ushort Rows;
        public ushort Columns;
        public ushort PixelWidth;
        public ushort PixelHeight;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short ReturnedEvents;
    }
}
