using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TermChat.Tui.Backends;

/// <summary>The Linux (glibc and musl) <c>struct termios</c> layout: four flag words, c_line, NCCS=32 control chars, two speeds.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Termios
{
    public uint InputFlags;
    public uint OutputFlags;
    public uint ControlFlags;
    public uint LocalFlags;
    public byte Line;
    public ControlChars ControlCharacters;
    public uint InputSpeed;
    public uint OutputSpeed;

    [InlineArray(32)]
    public struct ControlChars
    {
        private byte _element;
    }
}
