using System.Runtime.InteropServices;
using System.Text;

namespace TermChat.Tui.Input;

/// <summary>
/// Turns raw terminal input bytes into key and paste events. Decoding is incremental: bytes may
/// arrive split anywhere and the result is the same as if they had arrived at once. A lone ESC
/// (or an unfinished sequence) is held until more bytes arrive or the caller decides no more are
/// coming and calls <see cref="Flush"/>. Invalid UTF-8 becomes U+FFFD; unknown escape sequences
/// are swallowed. Never throws on any input.
/// </summary>
public sealed class InputDecoder
{
    private const byte Esc = 0x1B;
    private const int MaxSequenceLength = 64;
    private static readonly byte[] s_pasteEnd = "\e[201~"u8.ToArray();

    private readonly List<byte> _pending = [];
    private readonly List<byte> _paste = [];
    private bool _inPaste;

    /// <summary>True when bytes are held back that <see cref="Flush"/> would turn into events (e.g. a lone ESC).</summary>
    public bool HasPending => _pending.Count > 0 && !_inPaste;

    public IReadOnlyList<TerminalEvent> Feed(ReadOnlySpan<byte> bytes)
    {
        _pending.AddRange(bytes);
        return Process(final: false);
    }

    /// <summary>
    /// Resolves held-back bytes as if no more will follow: a lone ESC becomes Escape, a partial
    /// UTF-8 sequence becomes U+FFFD. The input loop calls this when no byte arrived for a short while.
    /// An unfinished bracketed paste keeps waiting for its end marker.
    /// </summary>
    public IReadOnlyList<TerminalEvent> Flush() => Process(final: true);

    private List<TerminalEvent> Process(bool final)
    {
        var events = new List<TerminalEvent>();
        var span = CollectionsMarshal.AsSpan(_pending);
        var pos = 0;
        while (pos < span.Length)
        {
            if (_inPaste)
            {
                var rest = span[pos..];
                var end = rest.IndexOf(s_pasteEnd);
                if (end < 0)
                {
                    // Hold back a possible partial end marker; everything before it is paste content.
                    var keep = PartialSuffixLength(rest, s_pasteEnd);
                    _paste.AddRange(rest[..^keep]);
                    pos = span.Length - keep;
                    break;
                }

                _paste.AddRange(rest[..end]);
                pos += end + s_pasteEnd.Length;
                _inPaste = false;
                events.Add(new PasteEvent(NormalizeNewlines(Encoding.UTF8.GetString(CollectionsMarshal.AsSpan(_paste)))));
                _paste.Clear();
                continue;
            }

            var consumed = Parse(span[pos..], final, out var ev);
            if (consumed == 0)
            {
                break;
            }

            if (ev is not null)
            {
                events.Add(ev);
            }

            pos += consumed;
        }

        _pending.RemoveRange(0, pos);
        return events;
    }

    private int Parse(ReadOnlySpan<byte> s, bool final, out TerminalEvent? ev)
    {
        if (s[0] == Esc)
        {
            return ParseEscape(s, final, out ev);
        }

        if (s[0] < 0x80)
        {
            ev = FromAscii(s[0], KeyModifiers.None);
            return 1;
        }

        return ParseUtf8(s, final, KeyModifiers.None, out ev);
    }

    private int ParseEscape(ReadOnlySpan<byte> s, bool final, out TerminalEvent? ev)
    {
        ev = null;
        if (s.Length == 1)
        {
            if (!final)
            {
                return 0;
            }

            ev = new KeyEvent(KeyCode.Escape);
            return 1;
        }

        switch (s[1])
        {
            case (byte)'[':
                return ParseCsi(s, final, out ev);
            case (byte)'O':
                if (s.Length < 3)
                {
                    if (!final)
                    {
                        return 0;
                    }

                    ev = KeyEvent.Char("O", KeyModifiers.Alt);
                    return 2;
                }

                ev = Ss3(s[2]);
                return 3;
            case Esc:
                ev = new KeyEvent(KeyCode.Escape);
                return 1;
            case < 0x80:
                ev = FromAscii(s[1], KeyModifiers.Alt);
                return 2;
            default:
                var n = ParseUtf8(s[1..], final, KeyModifiers.Alt, out ev);
                return n == 0 ? 0 : n + 1;
        }
    }

    private int ParseCsi(ReadOnlySpan<byte> s, bool final, out TerminalEvent? ev)
    {
        ev = null;
        var i = 2;
        while (i < s.Length && s[i] is >= 0x20 and <= 0x3F)
        {
            i++;
        }

        if (i == s.Length)
        {
            if (final && s.Length == 2)
            {
                ev = KeyEvent.Char("[", KeyModifiers.Alt);
                return 2;
            }

            return final || s.Length > MaxSequenceLength ? s.Length : 0;
        }

        if (s[i] is < 0x40 or > 0x7E)
        {
            // Malformed: drop what was read and let the offending byte be parsed on its own.
            return i;
        }

        ev = InterpretCsi(Encoding.ASCII.GetString(s[2..i]), (char)s[i]);
        return i + 1;
    }

    private KeyEvent? InterpretCsi(string parameters, char finalByte)
    {
        if (parameters.Length > 0 && parameters[0] is '<' or '?' or '>' or '=')
        {
            return null;
        }

        if (finalByte == '~' && parameters == "200")
        {
            _inPaste = true;
            return null;
        }

        var parts = parameters.Split(';');
        var first = parts[0].Length > 0 && int.TryParse(parts[0], out var p0) ? p0 : 1;
        var modifiers = parts.Length > 1 && int.TryParse(parts[1], out var p1) ? DecodeModifiers(p1) : KeyModifiers.None;
        KeyCode? code = finalByte switch
        {
            'A' => KeyCode.Up,
            'B' => KeyCode.Down,
            'C' => KeyCode.Right,
            'D' => KeyCode.Left,
            'H' => KeyCode.Home,
            'F' => KeyCode.End,
            'P' => KeyCode.F1,
            'Q' => KeyCode.F2,
            'R' => KeyCode.F3,
            'S' => KeyCode.F4,
            'Z' => KeyCode.BackTab,
            '~' => TildeKey(first),
            _ => null,
        };
        return code is { } c ? new KeyEvent(c, modifiers) : null;
    }

    private static KeyCode? TildeKey(int number) => number switch
    {
        1 or 7 => KeyCode.Home,
        2 => KeyCode.Insert,
        3 => KeyCode.Delete,
        4 or 8 => KeyCode.End,
        5 => KeyCode.PageUp,
        6 => KeyCode.PageDown,
        11 => KeyCode.F1,
        12 => KeyCode.F2,
        13 => KeyCode.F3,
        14 => KeyCode.F4,
        15 => KeyCode.F5,
        17 => KeyCode.F6,
        18 => KeyCode.F7,
        19 => KeyCode.F8,
        20 => KeyCode.F9,
        21 => KeyCode.F10,
        23 => KeyCode.F11,
        24 => KeyCode.F12,
        _ => null,
    };

    /// <summary>xterm encodes modifiers as 1 + bitmask (1 Shift, 2 Alt, 4 Ctrl, 8 Meta).</summary>
    private static KeyModifiers DecodeModifiers(int parameter)
    {
        var bits = Math.Max(0, parameter - 1);
        var result = KeyModifiers.None;
        if ((bits & 1) != 0)
        {
            result |= KeyModifiers.Shift;
        }

        if ((bits & (2 | 8)) != 0)
        {
            result |= KeyModifiers.Alt;
        }

        if ((bits & 4) != 0)
        {
            result |= KeyModifiers.Control;
        }

        return result;
    }

    private static KeyEvent? Ss3(byte b) => b switch
    {
        (byte)'A' => new KeyEvent(KeyCode.Up),
        (byte)'B' => new KeyEvent(KeyCode.Down),
        (byte)'C' => new KeyEvent(KeyCode.Right),
        (byte)'D' => new KeyEvent(KeyCode.Left),
        (byte)'H' => new KeyEvent(KeyCode.Home),
        (byte)'F' => new KeyEvent(KeyCode.End),
        (byte)'P' => new KeyEvent(KeyCode.F1),
        (byte)'Q' => new KeyEvent(KeyCode.F2),
        (byte)'R' => new KeyEvent(KeyCode.F3),
        (byte)'S' => new KeyEvent(KeyCode.F4),
        _ => null,
    };

    private static KeyEvent FromAscii(byte b, KeyModifiers modifiers) => b switch
    {
        0x0D or 0x0A => new KeyEvent(KeyCode.Enter, modifiers),
        0x09 => new KeyEvent(KeyCode.Tab, modifiers),
        0x7F or 0x08 => new KeyEvent(KeyCode.Backspace, modifiers),
        Esc => new KeyEvent(KeyCode.Escape, modifiers),
        0x00 => KeyEvent.Char(" ", modifiers | KeyModifiers.Control),
        <= 0x1A => KeyEvent.Char(((char)('a' + b - 1)).ToString(), modifiers | KeyModifiers.Control),
        < 0x20 => KeyEvent.Char(((char)(b + 0x40)).ToString(), modifiers | KeyModifiers.Control),
        _ => KeyEvent.Char(((char)b).ToString(), modifiers),
    };

    private static int ParseUtf8(ReadOnlySpan<byte> s, bool final, KeyModifiers modifiers, out TerminalEvent? ev)
    {
        var status = Rune.DecodeFromUtf8(s, out var rune, out var consumed);
        switch (status)
        {
            case System.Buffers.OperationStatus.Done:
                ev = KeyEvent.Char(rune.ToString(), modifiers);
                return consumed;
            case System.Buffers.OperationStatus.NeedMoreData when !final:
                ev = null;
                return 0;
            default:
                ev = KeyEvent.Char("\uFFFD", modifiers);
                return Math.Max(1, consumed);
        }
    }

    private static int PartialSuffixLength(ReadOnlySpan<byte> data, ReadOnlySpan<byte> marker)
    {
        for (var k = Math.Min(marker.Length - 1, data.Length); k > 0; k--)
        {
            if (data[^k..].SequenceEqual(marker[..k]))
            {
                return k;
            }
        }

        return 0;
    }

    private static string NormalizeNewlines(string text) =>
        text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
}
