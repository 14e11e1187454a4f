using System.Globalization;
using TermChat.Client.App;
using TermChat.Client.Views.Text;
using Terminal.Gui.Drawing;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;

namespace TermChat.Client.Views;

/// <summary>
/// The scrollback of the current room (or the server log before any room is open). Only the visible rows are
/// wrapped and drawn, from a cache of formatted entries, so a long scrollback costs nothing per frame. While the
/// user is scrolled up the pane is anchored to an entry, so arriving lines never move what is on screen, and the
/// bottom row says how many new messages are below. Entering a room whose unread lines do not fit scrolls to
/// the unread marker.
/// </summary>
internal sealed class MessagePane : View
{
    /// <summary>How chat text is coloured over the theme.</summary>
    public ColorMode Colors { get; init; }

    private const int MaxCachedEntries = 50_000;

    private readonly ChatApp _app;
    private readonly TimeZoneInfo _timeZone;
    private readonly Dictionary<object, ScrollAnchor> _anchors = [];
    private readonly object _serverLogKey = new();
    private readonly Dictionary<long, IReadOnlyList<StyledLine>> _rowCache = [];
    private int _cacheWidth = -1;
    private object? _renderedPane;
    private StyledLine _markerLine = StyledLine.Empty;

    public MessagePane(ChatApp app, TimeZoneInfo timeZone)
    {
        _app = app;
        _timeZone = timeZone;
        CanFocus = false;
        // The wheel scrolls three rows at a time, like most terminals' own scrollback.
        MouseBindings.Add(MouseFlags.WheeledUp, Command.ScrollUp);
        MouseBindings.Add(MouseFlags.WheeledDown, Command.ScrollDown);
        AddCommand(Command.ScrollUp, () => ScrollRows(-3));
        AddCommand(Command.ScrollDown, () => ScrollRows(3));
    }

    /// <summary>Raised with a nick when the user clicks one in a message (the window opens a private message).</summary>
    public event Action<string>? NickClicked;

    /// <summary>Whether the current pane is scrolled up (anchored).</summary>
    public bool IsScrolledUp => _anchors.ContainsKey(PaneKey);

    private object PaneKey => (object?)_app.CurrentRoom ?? _serverLogKey;

    private int PaneWidth => Viewport.Width;

    private int PaneHeight => Viewport.Height;

    /// <summary>Moves one page up (-1) or down (1), keeping a row of overlap.</summary>
    public bool ScrollPages(int pages) => ScrollRows(pages * Math.Max(1, Math.Max(1, PaneHeight - 1) - 1));

    /// <summary>Moves the view <paramref name="delta"/> rows (negative: older).</summary>
    public bool ScrollRows(int delta)
    {
        var rows = BuildRows(PaneWidth);
        if (rows.Count == 0 || PaneHeight <= 0)
        {
            return true;
        }
        var key = PaneKey;
        bool anchored = _anchors.TryGetValue(key, out var anchor);
        int visible = Math.Max(1, PaneHeight - 1);
        int bottom = anchored ? BottomIndex(rows, anchor, visible) : rows.Count - 1;
        long lastSeen = anchored ? anchor.LastSeenId : rows[^1].EntryId;
        SetAnchor(key, rows, bottom + delta, visible, lastSeen);
        SetNeedsDraw();
        return true;
    }

    /// <summary>Jumps to the oldest line.</summary>
    public bool ScrollToTop()
    {
        var rows = BuildRows(PaneWidth);
        if (rows.Count == 0 || PaneHeight <= 0)
        {
            return true;
        }
        var key = PaneKey;
        long lastSeen = _anchors.TryGetValue(key, out var anchor) ? anchor.LastSeenId : rows[^1].EntryId;
        SetAnchor(key, rows, 0, Math.Max(1, PaneHeight - 1), lastSeen);
        SetNeedsDraw();
        return true;
    }

    /// <summary>Follows the newest line again.</summary>
    public bool ScrollToBottom()
    {
        _anchors.Remove(PaneKey);
        SetNeedsDraw();
        return true;
    }

    /// <summary>Forgets cached rows (after /clear, or a theme change).</summary>
    public void Invalidate()
    {
        _rowCache.Clear();
        SetNeedsDraw();
    }

    protected override bool OnMouseEvent(Mouse mouse)
    {
        if (mouse.IsSingleClicked && mouse.Position is { } at && NickAt(at.X, at.Y) is { } nick)
        {
            NickClicked?.Invoke(nick);
            return true;
        }
        return base.OnMouseEvent(mouse);
    }

    protected override bool OnDrawingContent(DrawContext? context)
    {
        var normal = GetAttributeForRole(VisualRole.Normal);
        int width = PaneWidth;
        int height = PaneHeight;
        var key = PaneKey;
        if (width <= 0 || height <= 0)
        {
            _renderedPane = key;
            return true;
        }
        var (rows, top, bottom, anchored, anchor) = VisibleRows(key);
        for (int i = top, y = 0; i <= bottom && y < height; i++, y++)
        {
            ChatPalette.Draw(this, 0, y, width, rows[i].Line, normal, Colors);
        }
        if (anchored)
        {
            // New messages are those that arrived since scrolling began and are below the view.
            long below = Math.Max(anchor.LastSeenId, rows[bottom].EntryId);
            DrawIndicator(height - 1, width, normal, CountNewMessages(below));
        }
        return true;
    }

    private (List<PaneRow> Rows, int Top, int Bottom, bool Anchored, ScrollAnchor Anchor) VisibleRows(object key)
    {
        int height = PaneHeight;
        var room = _app.CurrentRoom;
        bool entering = !ReferenceEquals(key, _renderedPane);
        // Following the newest line (the usual case, and always while a window is being resized) needs only the
        // last screenful of entries, each at least one row: the rest need not be wrapped at this width yet.
        int firstEntry = entering || _anchors.ContainsKey(key) ? 0 : Math.Max(0, (room?.Entries ?? _app.ServerLog).Count - height);
        var rows = BuildRows(PaneWidth, firstEntry);
        if (entering)
        {
            _renderedPane = key;
            ShowUnreadMarker(key, rows, room);
        }
        int visible = height;
        int bottom = rows.Count - 1;
        bool anchored = _anchors.TryGetValue(key, out var anchor);
        if (anchored)
        {
            visible = Math.Max(1, height - 1);
            bottom = BottomIndex(rows, anchor, visible);
            if (bottom >= rows.Count - 1)
            {
                // Scrolled back down to the newest line (or the pane grew): follow again.
                _anchors.Remove(key);
                anchored = false;
                visible = height;
                bottom = rows.Count - 1;
            }
        }
        return (rows, Math.Max(0, bottom - visible + 1), bottom, anchored, anchor);
    }

    private string? NickAt(int x, int y)
    {
        var (rows, top, bottom, _, _) = VisibleRows(PaneKey);
        int index = top + y;
        if (index > bottom || index >= rows.Count || rows[index].Index != 0)
        {
            return null;
        }
        int column = 0;
        foreach (var span in rows[index].Line.Spans)
        {
            int w = span.Width;
            if (x >= column && x < column + w)
            {
                return span.Style.Role is SpanRole.Nick or SpanRole.OwnNick ? span.Content : null;
            }
            column += w;
        }
        return null;
    }

    /// <summary>On entering a room whose unread lines do not fit, scrolls so the unread marker is the top row.</summary>
    private void ShowUnreadMarker(object key, List<PaneRow> rows, RoomState? room)
    {
        if (room?.UnreadMarkerAfterId is not { } markerId || _anchors.ContainsKey(key) || PaneHeight < 3)
        {
            return;
        }
        int marker = rows.FindIndex(r => r.EntryId == markerId && ReferenceEquals(r.Line, _markerLine));
        if (marker >= 0 && rows.Count - marker > PaneHeight)
        {
            SetAnchor(key, rows, marker + PaneHeight - 2, PaneHeight - 1, markerId);
        }
    }

    private int CountNewMessages(long afterId)
    {
        var entries = _app.CurrentRoom?.Entries ?? _app.ServerLog;
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

    private void DrawIndicator(int y, int width, Terminal.Gui.Drawing.Attribute normal, int newMessages)
    {
        string text = newMessages switch
        {
            0 => " more below ↓ (End) ",
            1 => " 1 new message ↓ ",
            _ => $" {newMessages.ToString(CultureInfo.InvariantCulture)} new messages ↓ ",
        };
        int x = Math.Max(0, (width - Columns.Of(text)) / 2);
        ChatPalette.Draw(this, 0, y, width, new StyledLine([new Span(new string('─', width), SpanRole.Dim)]), normal, Colors);
        ChatPalette.Draw(this, x, y, width - x, new StyledLine([new Span(text, SpanRole.Reverse)]), normal, Colors);
    }

    /// <summary>Anchors the pane so <paramref name="bottom"/> is its last visible row; reaching the end follows new lines again.</summary>
    private void SetAnchor(object key, List<PaneRow> rows, int bottom, int visible, long lastSeenId)
    {
        bottom = Math.Max(bottom, Math.Min(visible - 1, rows.Count - 1));
        if (bottom >= rows.Count - 1)
        {
            _anchors.Remove(key);
            return;
        }
        _anchors[key] = new ScrollAnchor(rows[bottom].EntryId, rows[bottom].Index, lastSeenId);
    }

    /// <summary>The row an anchor points at; rewrapping may have changed the entry's row count, so it falls back to the entry's last row.</summary>
    private static int BottomIndex(List<PaneRow> rows, ScrollAnchor anchor, int visible)
    {
        int index = rows.FindIndex(r => r.EntryId == anchor.EntryId && r.Index == anchor.Index);
        if (index < 0)
        {
            index = rows.FindLastIndex(r => r.EntryId == anchor.EntryId);
        }
        if (index < 0)
        {
            // The entry left the scrollback (trimmed or cleared): stay at the oldest line left, or follow.
            index = rows.Count == 0 || anchor.EntryId < rows[0].EntryId ? 0 : rows.Count - 1;
        }
        return Math.Max(index, Math.Min(visible - 1, rows.Count - 1));
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
        int count = entries.Count;
        for (int i = Math.Clamp(firstEntry, 0, count); i < count; i++)
        {
            var entry = entries[i];
            if (!_rowCache.TryGetValue(entry.Id, out var lines))
            {
                lines = MessageFormatter.Format(entry, width, _timeZone);
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

    private static StyledLine MarkerLine(int width)
    {
        const string label = " unread ";
        int side = Math.Max(0, (width - label.Length) / 2);
        string text = new string('─', side) + label + new string('─', Math.Max(0, width - side - label.Length));
        return new StyledLine([new Span(text, SpanRole.Marker)]);
    }
}
