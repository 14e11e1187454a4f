using System.Text;
using TermChat.Tui.Styling;

namespace TermChat.Tui.Rendering;

/// <summary>Writes a complete SGR sequence (always starting from a reset) for a style.</summary>
internal static class SgrWriter
{
    public static void Append(StringBuilder sb, Style style)
    {
        sb.Append("\e[0");
        var m = style.Modifiers;
        if (m.HasFlag(Modifiers.Bold))
        {
            sb.Append(";1");
        }

        if (m.HasFlag(Modifiers.Dim))
        {
            sb.Append(";2");
        }

        if (m.HasFlag(Modifiers.Italic))
        {
            sb.Append(";3");
        }

        if (m.HasFlag(Modifiers.Underline))
        {
            sb.Append(";4");
        }

        if (m.HasFlag(Modifiers.Reverse))
        {
            sb.Append(";7");
        }

        AppendColor(sb, style.Foreground, 30, 90, 38);
        AppendColor(sb, style.Background, 40, 100, 48);
        sb.Append('m');
    }

    private static void AppendColor(StringBuilder sb, Color color, int basic, int bright, int extended)
    {
        switch (color.Kind)
        {
            case ColorKind.Ansi16:
                sb.Append(';').Append(color.Value < 8 ? basic + color.Value : bright + color.Value - 8);
                break;
            case ColorKind.Indexed:
                sb.Append(';').Append(extended).Append(";5;").Append(color.Value);
                break;
            case ColorKind.Rgb:
                sb.Append(';').Append(extended).Append(";2;")
                    .Append((color.Value >> 16) & 0xFF).Append(';')
                    .Append((color.Value >> 8) & 0xFF).Append(';')
                    .Append(color.Value & 0xFF);
                break;
            default:
                break;
        }
    }
}
