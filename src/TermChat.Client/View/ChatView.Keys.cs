using TermChat.Tui.Input;
using TermChat.Tui.Loop;

namespace TermChat.Client.LegacyView;

// Key bindings and scrolling.
public sealed partial class ChatView
{
    private void HandleKey(KeyEvent key, UiLoop loop)
    {
        if (key.IsCtrl('c'))
        {
            QuitRequested = true;
            loop.Quit();
            return;
        }
        if (key.IsCtrl('d') && _editor.Text.Length == 0)
        {
            QuitRequested = true;
            loop.Quit();
            return;
        }
        if (key.IsCtrl('x'))
        {
            _app.SelectNextUnread();
            return;
        }
        if (key.IsCtrl('l'))
        {
            loop.Renderer.Invalidate();
            return;
        }
        if (key.IsCtrl('n'))
        {
            _app.SelectRelative(1);
            return;
        }
        if (key.IsCtrl('p'))
        {
            _app.SelectRelative(-1);
            return;
        }
        bool alt = key.Modifiers == KeyModifiers.Alt;
        bool ctrl = key.Modifiers == KeyModifiers.Control;
        if (alt && key.Code == KeyCode.Char && key.Text is [>= '0' and <= '9'] digit)
        {
            int index = digit[0] == '0' ? 9 : digit[0] - '1';
            var rooms = _app.Rooms;
            if (index < rooms.Count)
            {
                _app.SelectRoom(rooms[index].Name);
            }
            return;
        }
        switch (key.Code)
        {
            case KeyCode.Left when alt:
                _app.SelectRelative(-1);
                return;
            case KeyCode.Right when alt:
                _app.SelectRelative(1);
                return;
            case KeyCode.Char when alt && key.Text is "a":
                _app.SelectNextUnread();
                return;
            case KeyCode.Char when alt && key.Text is "m":
            case KeyCode.F2:
                _showMembers = !_showMembers;
                return;
            case KeyCode.PageUp:
                ScrollBy(-1);
                return;
            case KeyCode.PageDown:
                ScrollBy(1);
                return;
            case KeyCode.Home when ctrl || _editor.Cursor == 0:
                ScrollToTop();
                return;
            case KeyCode.End when ctrl || _editor.Cursor == _editor.Text.Length:
                ScrollToBottom();
                return;
            case KeyCode.Escape:
                ScrollToBottom();
                return;
            case KeyCode.Enter:
                Submit(loop);
                return;
            default:
                _editor.HandleKey(key);
                return;
        }
    }

    private object PaneKey => (object?)_app.CurrentRoom ?? _serverLogKey;

    /// <summary>Moves the pane one page up (-1) or down (1), keeping a line of overlap.</summary>
    private void ScrollBy(int pages)
    {
        var rows = BuildRows(_paneWidth);
        if (rows.Count == 0 || _paneHeight <= 0)
        {
            return;
        }
        var key = PaneKey;
        _anchors.TryGetValue(key, out var anchor);
        bool anchored = _anchors.ContainsKey(key);
        int visible = Math.Max(1, _paneHeight - 1);
        int bottom = anchored ? BottomIndex(rows, anchor, visible) : rows.Count - 1;
        int step = Math.Max(1, visible - 1);
        long lastSeen = anchored ? anchor.LastSeenId : rows[^1].EntryId;
        SetAnchor(key, rows, bottom + (pages * step), visible, lastSeen);
    }

    private void ScrollToTop()
    {
        var rows = BuildRows(_paneWidth);
        if (rows.Count == 0 || _paneHeight <= 0)
        {
            return;
        }
        var key = PaneKey;
        long lastSeen = _anchors.TryGetValue(key, out var anchor) ? anchor.LastSeenId : rows[^1].EntryId;
        SetAnchor(key, rows, 0, Math.Max(1, _paneHeight - 1), lastSeen);
    }

    private void ScrollToBottom() => _anchors.Remove(PaneKey);

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
            index = anchor.EntryId < rows[0].EntryId ? 0 : rows.Count - 1;
        }
        return Math.Max(index, Math.Min(visible - 1, rows.Count - 1));
    }
}
