using System.Globalization;
using TermChat.Client.App;
using TermChat.Client.Session;
using TermChat.Tui.Geometry;
using TermChat.Tui.Rendering;
using TermChat.Tui.Styling;
using TermChat.Tui.Text;
using TermChat.Tui.Widgets;

namespace TermChat.Client.View;

// Drawing: everything is computed from the app state on each frame.
internal sealed partial class ChatView
{
    private const int SidePanelWidth = 18;
    private const int MaxRenderedEntries = 1000;

    private static readonly Color[] NickColors =
        [Color.Cyan, Color.Green, Color.Yellow, Color.Magenta, Color.Blue, Color.BrightCyan, Color.BrightGreen, Color.BrightMagenta, Color.BrightYellow, Color.BrightBlue];

    private static readonly Style Dim = new(Modifiers: Modifiers.Dim);
    private static readonly Style Bar = new(Modifiers: Modifiers.Reverse);

    private void Draw(Frame frame)
    {
        var area = frame.Area;
        var (title, rest) = area.SplitTop(1);
        var (middle, bottom) = rest.SplitBottom(2);
        var (status, input) = bottom.SplitTop(1);
        var room = _app.CurrentRoom;

        frame.Render(new StatusBar(TitleLine(room)) { Style = Bar }, title);

        var messages = middle;
        if (middle.Width >= 70)
        {
            var (left, remainder) = middle.SplitLeft(SidePanelWidth);
            frame.Render(RoomList(room), left);
            messages = remainder;
            if (room is { IsPrivate: false })
            {
                var (center, right) = remainder.SplitRight(SidePanelWidth);
                frame.Render(MemberList(room), right);
                messages = center;
            }
        }
        DrawMessages(frame, messages, room);

        var state = _app.Status;
        frame.Render(new StatusBar(StatusLeft(state), StatusRight(state)) { Style = Bar }, status);

        var prompt = Line.From(new Span($"[{room?.Name ?? state.Nick}] ", new Style(Modifiers: Modifiers.Bold)));
        frame.Render(new TextInput(_editor, _inputState) { Prompt = prompt, Placeholder = room is null ? "/join #room, or /help" : null }, input);
        frame.Cursor = _inputState.Cursor;
    }

    private static Line TitleLine(RoomState? room) => room switch
    {
        null => Line.From(" TermChat"),
        { IsPrivate: true } => Line.From($" private conversation with {room.Name}"),
        { Topic.Length: > 0 } => Line.From(new Span($" {room.Name}", new Style(Modifiers: Modifiers.Bold)), new Span($" — {room.Topic}")),
        _ => Line.From(new Span($" {room.Name}", new Style(Modifiers: Modifiers.Bold)), new Span(" — no topic (set one with /topic)")),
    };

    private ListView RoomList(RoomState? current)
    {
        var rooms = _app.Rooms;
        var items = new List<Line>(rooms.Count);
        int? selected = null;
        for (int i = 0; i < rooms.Count; i++)
        {
            var r = rooms[i];
            if (r == current)
            {
                selected = i;
            }
            var style = r.MentionCount > 0 ? new Style(Color.BrightRed, Modifiers: Modifiers.Bold)
                : r.UnreadCount > 0 ? new Style(Modifiers: Modifiers.Bold)
                : default;
            string badge = r.UnreadCount > 0 ? $" {r.UnreadCount}" : "";
            items.Add(Line.From(new Span($"{i + 1}.{r.Name}{badge}", style)));
        }
        return new ListView(items, new ListState { Selected = selected })
        {
            Block = new Block { Borders = Borders.Right, Title = Line.From(" rooms ") },
            HighlightSymbol = "",
        };
    }

    private static ListView MemberList(RoomState room)
    {
        var items = room.Members
            .Select(m => m.IsAway ? Line.From(new Span(m.Nick, Dim), new Span(" (away)", Dim)) : Line.From(new Span(m.Nick, NickStyle(m.Nick))))
            .ToList();
        return new ListView(items, new ListState())
        {
            Block = new Block { Borders = Borders.Left, Title = Line.From($" {room.Members.Count} here ") },
        };
    }

    private void DrawMessages(Frame frame, Rect area, RoomState? room)
    {
        if (area.IsEmpty)
        {
            return;
        }
        IReadOnlyList<ChatEntry> entries = room?.Entries ?? _app.ServerLog;
        int from = Math.Max(0, entries.Count - MaxRenderedEntries - _scrollBack);
        var lines = new List<Line>(Math.Min(entries.Count, MaxRenderedEntries) + 1);
        long? marker = room?.UnreadMarkerAfterId;
        for (int i = from; i < entries.Count; i++)
        {
            lines.Add(Format(entries[i]));
            if (marker is { } id && entries[i].Id == id && i < entries.Count - 1)
            {
                lines.Add(Line.From(new Span(new string('─', Math.Max(1, area.Width / 2 - 3)) + " new " + new string('─', Math.Max(1, area.Width / 2 - 3)), new Style(Color.Red))));
            }
        }
        var paragraph = new Paragraph(lines);
        int total = paragraph.VisualLineCount(area.Width);
        _scrollBack = Math.Clamp(_scrollBack, 0, Math.Max(0, total - area.Height));
        int scroll = Math.Max(0, total - area.Height - _scrollBack);
        // Like every chat client, new lines appear at the bottom, next to the input line.
        var target = total < area.Height ? area.SplitBottom(total).Bottom : area;
        frame.Render(new Paragraph(lines) { ScrollY = scroll }, target);
        if (_scrollBack > 0)
        {
            var (_, last) = area.SplitBottom(1);
            frame.Render(new StatusBar(Line.From($" -- {_scrollBack} lines below, PgDn to return -- ")) { Style = Dim.Add(Modifiers.Reverse) }, last);
        }
    }

    private static Line Format(ChatEntry entry)
    {
        var time = new Span(entry.Time.ToLocalTime().ToString("HH:mm ", CultureInfo.InvariantCulture), Dim);
        var highlight = entry.IsMention ? new Style(Color.BrightRed, Modifiers: Modifiers.Bold) : default;
        return entry.Kind switch
        {
            EntryKind.Message => Line.From(time, new Span("<", Dim), new Span(entry.From ?? "", NickStyle(entry.From)), new Span("> ", Dim), new Span(entry.Text, highlight)),
            EntryKind.Action => Line.From(time, new Span("* ", Dim), new Span(entry.From ?? "", NickStyle(entry.From)), new Span(" " + entry.Text, highlight.Add(Modifiers.Italic))),
            EntryKind.Private when entry.IsOwn => Line.From(time, new Span("-> *", Dim), new Span(entry.To ?? "", NickStyle(entry.To)), new Span("* ", Dim), new Span(entry.Text)),
            EntryKind.Private => Line.From(time, new Span("*", Dim), new Span(entry.From ?? "", NickStyle(entry.From)), new Span("* ", Dim), new Span(entry.Text, highlight)),
            EntryKind.Error => Line.From(time, new Span("!!! " + entry.Text, new Style(Color.Red))),
            EntryKind.Status => Line.From(time, new Span("-!- " + entry.Text, new Style(Color.Yellow))),
            _ => Line.From(time, new Span("-!- " + entry.Text, Dim)),
        };
    }

    private static Style NickStyle(string? nick)
    {
        if (string.IsNullOrEmpty(nick))
        {
            return default;
        }
        // A stable colour per nick (string.GetHashCode is randomized per process).
        uint hash = 2166136261;
        foreach (char c in nick.ToLowerInvariant())
        {
            hash = (hash ^ c) * 16777619;
        }
        return new Style(NickColors[hash % (uint)NickColors.Length], Modifiers: Modifiers.Bold);
    }

    private static Line StatusLeft(StatusInfo status)
    {
        string away = status.Away.Length > 0 ? " (away)" : "";
        return Line.From($" {status.Nick}{away} @ {status.Server} [{status.Transport}] {(status.ServerMode.Length > 0 ? status.ServerMode + " mode" : "")}");
    }

    private static Line StatusRight(StatusInfo status)
    {
        string link = status.State switch
        {
            Connected => "connected",
            Connecting => "connecting...",
            Reconnecting r => $"reconnecting #{r.Attempt} in {Math.Ceiling(r.Delay.TotalSeconds):0}s",
            Disconnected => "disconnected",
            _ => "",
        };
        string rtt = status.RttMs is { } ms ? $" rtt {ms.ToString(ms < 10 ? "0.0" : "0", CultureInfo.InvariantCulture)} ms" : "";
        string loss = status.LossPercent is { } l ? $" loss {l.ToString("0.#", CultureInfo.InvariantCulture)}%" : "";
        return Line.From($"{link}{rtt}{loss} ");
    }
}
