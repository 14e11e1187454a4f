using System.Globalization;
using TermChat.Client.App;
using TermChat.Tui.Styling;
using TermChat.Tui.Text;

namespace TermChat.Client.LegacyView;

/// <summary>
/// The status bar's text: nick, transport and server, room, connection state, RTT and (over UDP) loss.
/// It picks the most complete form that fits the width: first the nick goes, then the server address,
/// then the separators and labels shrink.
/// </summary>
internal static class StatusLine
{
    private const string Separator = " │ ";

    public static Line Build(StatusInfo status, int width, (string Long, string Short) state)
    {
        string nick = status.Away.Length > 0 ? $"{status.Nick} (away)" : status.Nick;
        string room = status.Room ?? "no room";
        string? rtt = status.RttMs is { } ms ? $"rtt {FormatMs(ms)}" : null;
        string? loss = status.LossPercent is { } percent ? $"loss {FormatPercent(percent)}"
            : string.Equals(status.Transport, "UDP", StringComparison.OrdinalIgnoreCase) ? "loss –" : null;
        bool trouble = state.Short != "up";
        var stateStyle = trouble ? new Style(Modifiers: Modifiers.Bold) : Style.Default;

        Line[] candidates =
        [
            Join(stateStyle, 3, nick, $"{status.Transport} {status.Server}", room, state.Long, rtt, loss),
            Join(stateStyle, 2, $"{status.Transport} {status.Server}", room, state.Long, rtt, loss),
            Join(stateStyle, 2, status.Transport, room, state.Long, rtt, loss),
            Compact(stateStyle, status.Transport, room, state.Short, status.RttMs is { } r ? FormatMs(r) : null,
                status.LossPercent is { } l ? FormatPercent(l) : null),
            Compact(stateStyle, status.Transport, room, state.Short, null, null),
        ];
        foreach (var line in candidates)
        {
            if (line.Width <= width)
            {
                return line;
            }
        }
        return candidates[^1];
    }

    // Parts joined by " │ " with a leading space; the part at stateIndex gets the state style.
    private static Line Join(Style stateStyle, int stateIndex, params string?[] parts)
    {
        var spans = new List<Span> { new(" ") };
        for (int i = 0; i < parts.Length; i++)
        {
            if (parts[i] is not { } part)
            {
                continue;
            }
            if (spans.Count > 1)
            {
                spans.Add(new Span(Separator));
            }
            spans.Add(new Span(part, i == stateIndex ? stateStyle : Style.Default));
        }
        return new Line(spans);
    }

    private static Line Compact(Style stateStyle, string transport, string room, string state, string? rtt, string? loss)
    {
        var spans = new List<Span> { new($"{transport} {room} "), new(state, stateStyle) };
        if (rtt is not null)
        {
            spans.Add(new Span(" " + rtt));
        }
        if (loss is not null)
        {
            spans.Add(new Span(" " + loss));
        }
        return new Line(spans);
    }

    private static string FormatMs(double ms) =>
        (ms < 10 ? ms.ToString("0.0", CultureInfo.InvariantCulture) : ms.ToString("0", CultureInfo.InvariantCulture)) + " ms";

    private static string FormatPercent(double percent) => percent.ToString("0.#", CultureInfo.InvariantCulture) + "%";
}
