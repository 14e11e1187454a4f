using System.Globalization;
using TermChat.Client.App;
using TermChat.Client.Session;
using TermChat.Tui.Buffer;
using TermChat.Tui.Geometry;
using TermChat.Tui.Rendering;
using TermChat.Tui.Styling;
using TermChat.Tui.Text;
using TermChat.Tui.Widgets;

namespace TermChat.Client.LegacyView;

// Drawing. Layout, top to bottom: title (room and topic), body (room list │ messages │ members),
// status bar, input line. Narrow terminals lose the member list below 60 columns, the room list
// below 40, and the status bar switches to shorter forms; short ones lose the title below 8 rows.
public sealed partial class ChatView
{
    private const int MaxCachedEntries = 50_000;
    private static readonly Style SeparatorStyle = new(Modifiers: Modifiers.Dim);
    private static readonly Style TitleStyle = new(Modifiers: Modifiers.Reverse);
    private static readonly Style MarkerStyle = new(Color.Red);
    private static readonly Style IndicatorStyle = new(Modifiers: Modifiers.Reverse | Modifiers.Bold);
    private static readonly Style SelectedStyle = new(Modifiers: Modifiers.Reverse);
    private static readonly Style UnreadStyle = new(Modifiers: Modifiers.Bold);
    private static readonly Style AwayStyle = new(Modifiers: Modifiers.Dim);

    private readonly Dictionary<long, IReadOnlyList<Line>> _rowCache = [];
    private int _cacheWidth = -1;
    private int _paneWidth;
    private int _paneHeight;
    private object? _renderedPane;
    private Line _markerLine = Line.Empty;
    private int _inputWidth = -1;

    /// <inheritdoc/>
    public void Render(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var area = frame.Area;
        frame.Cursor = null;
        if (area.IsEmpty)
        {
            return;
        }
        var buffer = frame.Buffer;
        var room = _app.CurrentRoom;
        var status = _app.Status;
        int width = area.Width;
        int height = area.Height;

        var input = new Rect(area.X, area.Bottom - 1, width, 1);
        var statusRow = height >= 2 ? new Rect(area.X, area.Bottom - 2, width, 1) : Rect.Empty;
        bool hasTitle = height >= 8;
        int bodyTop = area.Y + (hasTitle ? 1 : 0);
        var body = new Rect(area.X, bodyTop, width, area.Bottom - (height >= 2 ? 2 : 1) - bodyTop);

        if (hasTitle)
        {
            RenderTitle(new Rect(area.X, area.Y, width, 1), buffer, room, status);
        }

        var messages = body;
        if (width >= 40 && !body.IsEmpty)
        {
            int roomsWidth = width >= 100 ? 18 : 13;
            (var rooms, messages) = messages.SplitLeft(roomsWidth + 1);
            (rooms, var separator) = rooms.SplitRight(1);
            RenderRoomList(rooms, buffer, room);
            DrawSeparator(separator, buffer);
        }
        if (_showMembers && width >= 60 && room is { IsPrivate: false } && !body.IsEmpty)
        {
            int membersWidth = width >= 100 ? 18 : 13;
            (messages, var members) = messages.SplitRight(membersWidth + 1);
            (var separator, members) = members.SplitLeft(1);
            DrawSeparator(separator, buffer);
            RenderMembers(members, buffer, room, status.Nick);
        }
        RenderMessages(messages, buffer, room);
        if (!statusRow.IsEmpty)
        {
            RenderStatus(statusRow, buffer, status);
        }
        RenderInput(input, frame, room);
    }

    private static void RenderTitle(Rect row, ScreenBuffer buffer, RoomState? room, StatusInfo status)
    {
        buffer.Fill(row, TitleStyle);
        string text = room switch
        {
            null => $" termchat · {(status.ServerName.Length > 0 ? status.ServerName : status.Server)}",
            { IsPrivate: true } => $" {room.Name} (private conversation)",
            { Topic.Length: > 0 } => $" {room.Name}: {room.Topic}",
            _ => $" {room.Name}",
        };
        // One row only: a topic with line breaks shows them as spaces.
        buffer.SetString(row.X, row.Y, text.ReplaceLineEndings(" "), TitleStyle, row.Width);
    }

    private static void DrawSeparator(Rect column, ScreenBuffer buffer)
    {
        for (int y = column.Top; y < column.Bottom; y++)
        {
            buffer.SetString(column.X, y, "│", SeparatorStyle, 1);
        }
    }

    private void RenderRoomList(Rect area, ScreenBuffer buffer, RoomState? current)
    {
        var rooms = _app.Rooms;
        // More rooms than rows: scroll the list so the current room stays in view.
        int first = Math.Max(0, (current is null ? 0 : IndexOf(rooms, current)) - area.Height + 1);
        for (int i = first; i < rooms.Count && i - first < area.Height; i++)
        {
            var room = rooms[i];
            int y = area.Y + i - first;
            bool selected = room == current;
            var style = selected ? SelectedStyle
                : room.MentionCount > 0 ? MessageFormatter.MentionStyle
                : room.UnreadCount > 0 ? UnreadStyle
                : Style.Default;
            if (selected)
            {
                buffer.Fill(new Rect(area.X, y, area.Width, 1), style);
            }
            string count = room.UnreadCount == 0 || selected ? ""
                : room.MentionCount > 0 ? $"@{room.UnreadCount.ToString(CultureInfo.InvariantCulture)}"
                : room.UnreadCount.ToString(CultureInfo.InvariantCulture);
            int countWidth = count.Length == 0 ? 0 : count.Length + 1;
            string label = i < 9 ? $"{(i + 1).ToString(CultureInfo.InvariantCulture)} {room.Name}" : $"  {room.Name}";
            buffer.SetString(area.X, y, label, style, area.Width - countWidth);
            if (count.Length > 0 && area.Width > count.Length)
            {
                buffer.SetString(area.Right - count.Length, y, count, style, count.Length);
            }
        }
    }

    private static int IndexOf(IReadOnlyList<RoomState> rooms, RoomState room)
    {
        for (int i = 0; i < rooms.Count; i++)
        {
            if (rooms[i] == room)
            {
                return i;
            }
        }
        return 0;
    }

    private static void RenderMembers(Rect area, ScreenBuffer buffer, RoomState room, string me)
    {
        if (area.IsEmpty)
        {
            return;
        }
        var members = room.Members;
        string header = members.Count == 1 ? "1 member" : $"{members.Count.ToString(CultureInfo.InvariantCulture)} members";
        buffer.SetString(area.X, area.Y, header, SeparatorStyle, area.Width);
        int rows = area.Height - 1;
        bool overflow = members.Count > rows;
        int shown = overflow ? Math.Max(0, rows - 1) : members.Count;
        for (int i = 0; i < shown && i < members.Count; i++)
        {
            var member = members[i];
            int y = area.Y + 1 + i;
            if (member.IsAway)
            {
                // "~" marks away members, who are also dimmed.
                buffer.SetString(area.X, y, "~" + member.Nick, AwayStyle, area.Width);
            }
            else
            {
                bool own = string.Equals(member.Nick, me, StringComparison.OrdinalIgnoreCase);
                var nick = MessageFormatter.Nick(member.Nick, own);
                buffer.SetString(area.X + 1, y, nick.Content, nick.Style, area.Width - 1);
            }
        }
        if (overflow && rows > 0)
        {
            buffer.SetString(area.X, area.Bottom - 1, $"+{(members.Count - shown).ToString(CultureInfo.InvariantCulture)} more", SeparatorStyle, area.Width);
        }
    }

    private void RenderMessages(Rect area, ScreenBuffer buffer, RoomState? room)
    {
        _paneWidth = area.Width;
        _paneHeight = area.Height;
        var key = PaneKey;
        if (area.IsEmpty)
        {
            _renderedPane = key;
            return;
        }
        bool entering = !ReferenceEquals(key, _renderedPane);
        // Following the newest line (the usual case, and always while a window is being resized) needs only the
        // last screenful of entries, each at least one row: the rest need not be wrapped at this width yet.
        int firstEntry = entering || _anchors.ContainsKey(key) ? 0 : Math.Max(0, (room?.Entries ?? _app.ServerLog).Count - area.Height);
        var rows = BuildRows(area.Width, firstEntry);
        if (entering)
        {
            _renderedPane = key;
            ShowUnreadMarker(key, rows, room);
        }
        int visible = area.Height;
        int bottom = rows.Count - 1;
        bool anchored = _anchors.TryGetValue(key, out var anchor);
        if (anchored)
        {
            visible = Math.Max(1, area.Height - 1);
            bottom = BottomIndex(rows, anchor, visible);
            if (bottom >= rows.Count - 1)
            {
                // Scrolled back down to the newest line (or the pane grew): follow again.
                _anchors.Remove(key);
                anchored = false;
                visible = area.Height;
                bottom = rows.Count - 1;
            }
        }
        int top = Math.Max(0, bottom - visible + 1);
        for (int i = top, y = area.Y; i <= bottom && y < area.Bottom; i++, y++)
        {
            DrawLine(buffer, area.X, y, area.Width, rows[i].Line);
        }
        if (anchored)
        {
            // New messages are those that arrived since scrolling began and are below the view.
            long below = Math.Max(anchor.LastSeenId, rows[bottom].EntryId);
            DrawIndicator(new Rect(area.X, area.Bottom - 1, area.Width, 1), buffer, CountNewMessages(room, below));
        }
    }

    /// <summary>On entering a room whose unread lines do not fit, scrolls so the unread marker is the top row.</summary>
    private void ShowUnreadMarker(object key, List<PaneRow> rows, RoomState? room)
    {
        if (room?.UnreadMarkerAfterId is not { } markerId || _anchors.ContainsKey(key) || _paneHeight < 3)
        {
            return;
        }
        int marker = rows.FindIndex(r => r.EntryId == markerId && ReferenceEquals(r.Line, _markerLine));
        if (marker >= 0 && rows.Count - marker > _paneHeight)
        {
            SetAnchor(key, rows, marker + _paneHeight - 2, _paneHeight - 1, markerId);
        }
    }

    private int CountNewMessages(RoomState? room, long afterId)
    {
        var entries = room?.Entries ?? _app.ServerLog;
        int count = 0;
        for (int i = entries.Count - 1; i >= 0; i--)
        {
            var entry = entries[i];
            if (entry.Id <= afterId)
            {
                break;
            }
            if (entry.Kind is EntryKind.Message or EntryKind.Action or EntryKind.Private && !entry.IsOwn)
            {
                count++;
            }
        }
        return count;
    }

    private static void DrawIndicator(Rect row, ScreenBuffer buffer, int newMessages)
    {
        string text = newMessages switch
        {
            0 => " more below ↓ (End) ",
            1 => " 1 new message ↓ ",
            _ => $" {newMessages.ToString(CultureInfo.InvariantCulture)} new messages ↓ ",
        };
        buffer.Fill(row, Style.Default);
        int textWidth = TextWidth.Of(text);
        int x = row.X + Math.Max(0, (row.Width - textWidth) / 2);
        for (int c = row.X; c < row.Right; c++)
        {
            buffer.SetString(c, row.Y, "─", SeparatorStyle, 1);
        }
        buffer.SetString(x, row.Y, text, IndicatorStyle, row.Width);
    }

    /// <summary>The visual rows of the current pane at <paramref name="width"/> from entry <paramref name="firstEntry"/> on: formatted entries plus the unread marker.</summary>
    private List<PaneRow> BuildRows(int width, int firstEntry = 0)
    {
        var rows = new List<PaneRow>();
        if (width <= 0)
        {
            return rows;
        }
        if (width != _cacheWidth || _rowCache.Count > MaxCachedEntries)
        {
            _rowCache.Clear();
            _cacheWidth = width;
            _markerLine = MarkerLine(width);
        }
        var room = _app.CurrentRoom;
        var entries = room?.Entries ?? _app.ServerLog;
        long? markerAfter = room?.UnreadMarkerAfterId;
        // Indexing (not enumerating) tolerates a line added from another thread meanwhile; it shows next frame.
        int count = entries.Count;
        for (int i = Math.Clamp(firstEntry, 0, count); i < count && i < entries.Count; i++)
        {
            var entry = entries[i];
            if (!_rowCache.TryGetValue(entry.Id, out var lines))
            {
                lines = MessageFormatter.Format(entry, width, _options.TimeZone);
                _rowCache[entry.Id] = lines;
            }
            for (int j = 0; j < lines.Count; j++)
            {
                rows.Add(new PaneRow(entry.Id, j, lines[j]));
            }
            if (markerAfter == entry.Id && i < count - 1)
            {
                rows.Add(new PaneRow(entry.Id, lines.Count, _markerLine));
            }
        }
        return rows;
    }

    private static Line MarkerLine(int width)
    {
        const string label = " unread ";
        int side = Math.Max(0, (width - label.Length) / 2);
        string text = new string('─', side) + label + new string('─', Math.Max(0, width - side - label.Length));
        return new Line([new Span(text, MarkerStyle)]);
    }

    private static void DrawLine(ScreenBuffer buffer, int x, int y, int width, Line line)
    {
        int column = x;
        int end = x + width;
        foreach (var span in line.Spans)
        {
            if (column >= end)
            {
                break;
            }
            column = buffer.SetString(column, y, span.Content, span.Style, end - column);
        }
    }

    private void RenderStatus(Rect row, ScreenBuffer buffer, StatusInfo status)
    {
        var bar = new StatusBar(StatusLine.Build(status, row.Width, StateText(status.State)));
        bar.Render(row, buffer);
    }

    private (string Long, string Short) StateText(ConnectionState state)
    {
        switch (state)
        {
            case Connected:
                return ("connected", "up");
            case Connecting:
                return ("connecting…", "conn…");
            case Reconnecting r:
            {
                var left = r.Delay - (_options.TimeProvider.GetUtcNow() - _reconnectingSince);
                string seconds = Math.Max(0, Math.Ceiling(left.TotalSeconds)).ToString("0", CultureInfo.InvariantCulture);
                return ($"reconnecting in {seconds}s (attempt {r.Attempt.ToString(CultureInfo.InvariantCulture)})", $"retry {seconds}s");
            }
            case Disconnected d:
                return ($"disconnected: {d.Reason}", "down");
            default:
                return (state.Describe(), "?");
        }
    }

    private void RenderInput(Rect row, Frame frame, RoomState? room)
    {
        string prompt = room is not null && row.Width >= 40 ? $"[{room.Name}] " : "> ";
        if (TextWidth.Of(prompt) > row.Width / 3)
        {
            prompt = "> ";
        }
        if (row.Width != _inputWidth)
        {
            // After a resize, let the input scroll afresh so a wider line shows the text again.
            _inputWidth = row.Width;
            _inputState.ScrollOffset = 0;
        }
        var input = new TextInput(_editor, _inputState)
        {
            Prompt = new Line([new Span(prompt, new Style(Modifiers: Modifiers.Bold))]),
            Placeholder = room is null ? "/join #room, /help" : null,
        };
        input.Render(row, frame.Buffer);
        frame.Cursor = _inputState.Cursor;
    }
}
