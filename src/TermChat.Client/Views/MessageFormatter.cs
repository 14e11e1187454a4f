using System.Globalization;
using TermChat.Client.App;
using TermChat.Protocol.Text;
using TermChat.Client.Views.Text;

namespace TermChat.Client.Views;

/// <summary>
/// Turns a scrollback entry into screen rows: a dimmed "HH:mm" timestamp, a prefix (the coloured nick
/// for messages, a marker for events) and the text word-wrapped under itself (hanging indent), so
/// the nick column stays clear. Message text is sanitized by <see cref="WordWrap"/>, nicks here.
/// </summary>
internal static class MessageFormatter
{
    /// <summary>Below this many columns for the text, the indent is dropped and whole rows are used.</summary>
    private const int MinBodyWidth = 12;

    private static readonly SpanStyle TimeStyle = SpanRole.Dim;
    private static readonly SpanStyle EventStyle = SpanRole.Dim;
    private static readonly SpanStyle MentionStyle = SpanRole.Mention;
    private static readonly SpanStyle ErrorStyle = SpanRole.Error;
    private static readonly SpanStyle StatusStyle = SpanRole.Status;

    public static IReadOnlyList<StyledLine> Format(ChatEntry entry, int width, TimeZoneInfo timeZone)
    {
        if (width <= 0)
        {
            return [];
        }
        var (prefix, body) = Parts(entry, timeZone);
        int prefixWidth = prefix.Sum(s => s.Width);
        int bodyWidth = width - prefixWidth;
        if (bodyWidth < MinBodyWidth)
        {
            var whole = WordWrap.Wrap([.. prefix, body], width);
            return whole.Count > 0 ? whole : [StyledLine.Empty];
        }
        var rows = WordWrap.Wrap([body], bodyWidth);
        if (rows.Count == 0)
        {
            return [new StyledLine(prefix)];
        }
        var result = new List<StyledLine>(rows.Count);
        var indent = new Span(new string(' ', prefixWidth));
        for (int i = 0; i < rows.Count; i++)
        {
            result.Add(new StyledLine(i == 0 ? [.. prefix, .. rows[i].Spans] : [indent, .. rows[i].Spans]));
        }
        return result;
    }

    private static (List<Span> Prefix, Span Body) Parts(ChatEntry entry, TimeZoneInfo timeZone)
    {
        var prefix = new List<Span> { new(Timestamp(entry.Time, timeZone) + " ", TimeStyle) };
        var bodyStyle = entry.IsMention ? MentionStyle : SpanStyle.Normal;
        switch (entry.Kind)
        {
            case EntryKind.Message:
                prefix.Add(new Span("<"));
                prefix.Add(Nick(entry.From ?? "?", entry.IsOwn));
                prefix.Add(new Span("> "));
                break;
            case EntryKind.Action:
                prefix.Add(new Span("* "));
                prefix.Add(Nick(entry.From ?? "?", entry.IsOwn));
                prefix.Add(new Span(" "));
                break;
            case EntryKind.Private when entry.IsOwn:
                prefix.Add(new Span("-> *"));
                prefix.Add(Nick(entry.To ?? "?", own: false));
                prefix.Add(new Span("* "));
                break;
            case EntryKind.Private:
                prefix.Add(new Span("*"));
                prefix.Add(Nick(entry.From ?? "?", own: false));
                prefix.Add(new Span("* "));
                break;
            case EntryKind.Join:
                prefix.Add(new Span("--> ", EventStyle));
                bodyStyle = EventStyle;
                break;
            case EntryKind.Part or EntryKind.Quit:
                prefix.Add(new Span("<-- ", EventStyle));
                bodyStyle = EventStyle;
                break;
            case EntryKind.Nick or EntryKind.Away or EntryKind.Back or EntryKind.History or EntryKind.Names or EntryKind.Rooms or EntryKind.Stats:
                prefix.Add(new Span("-- ", EventStyle));
                bodyStyle = EventStyle;
                break;
            case EntryKind.Topic:
                prefix.Add(new Span("-- ", EventStyle));
                break;
            case EntryKind.Notice or EntryKind.Welcome:
                prefix.Add(new Span("-!- ", EventStyle));
                bodyStyle = EventStyle;
                break;
            case EntryKind.Status:
                prefix.Add(new Span("-!- ", StatusStyle));
                bodyStyle = StatusStyle;
                break;
            case EntryKind.Error:
                prefix.Add(new Span("!!! ", ErrorStyle));
                bodyStyle = ErrorStyle;
                break;
            default:
                prefix.Add(new Span("-- ", EventStyle));
                break;
        }
        return (prefix, new Span(entry.Text, bodyStyle));
    }

    internal static Span Nick(string nick, bool own) =>
        new(TextSanitizer.Sanitize(nick, LineBreaks.Space, TextTarget.CellGrid), new SpanStyle(own ? SpanRole.OwnNick : SpanRole.Nick, NickColors.For(nick)));

    private static string Timestamp(DateTimeOffset time, TimeZoneInfo timeZone) =>
        time == DateTimeOffset.UnixEpoch ? "--:--" : TimeZoneInfo.ConvertTime(time, timeZone).ToString("HH:mm", CultureInfo.InvariantCulture);
}
