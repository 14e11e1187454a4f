using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;

namespace TermChat.Client.Views;

// Window-wide key bindings. The input line has the focus and sees keys first; what it does not handle (or
// declines, like Home at the start of the line) comes here.
public sealed partial class ChatWindow
{
    private void BindKeys()
    {
        // Esc is Terminal.Gui's default Quit key for a runnable; here it returns to the newest line instead.
        KeyBindings.Remove(Key.Esc);
        Bind(Command.Quit, () =>
        {
            QuitRequested = true;
            Stop();
            return true;
        }, Key.C.WithCtrl, Key.D.WithCtrl);
        Bind(Command.PageUp, () => _pane.ScrollPages(-1), Key.PageUp);
        Bind(Command.PageDown, () => _pane.ScrollPages(1), Key.PageDown);
        Bind(Command.Start, () => _pane.ScrollToTop(), Key.Home, Key.Home.WithCtrl);
        Bind(Command.End, () => _pane.ScrollToBottom(), Key.End, Key.End.WithCtrl, Key.Esc);
        Bind(Command.NextTabGroup, () => Select(() => _app.SelectRelative(1)), Key.N.WithCtrl, Key.CursorRight.WithAlt);
        Bind(Command.PreviousTabGroup, () => Select(() => _app.SelectRelative(-1)), Key.P.WithCtrl, Key.CursorLeft.WithAlt);
        Bind(Command.FindNext, () => Select(() => _app.SelectNextUnread()), Key.X.WithCtrl, Key.A.WithAlt);
        Bind(Command.Toggle, () =>
        {
            _showMembers = !_showMembers;
            Refresh();
            return true;
        }, Key.F2, Key.M.WithAlt);
        Bind(Command.Refresh, () =>
        {
            App?.LayoutAndDraw(forceRedraw: true);
            return true;
        }, Key.L.WithCtrl);
        Bind(Command.Context, () =>
        {
            ShowHelp();
            return true;
        }, Key.F1);

        // Alt+1..9 pick a room by its number in the list, Alt+0 the tenth; the key pressed says which.
        Key[] digits = [Key.D1, Key.D2, Key.D3, Key.D4, Key.D5, Key.D6, Key.D7, Key.D8, Key.D9, Key.D0];
        AddCommand(Command.Open, ctx =>
        {
            if (ctx?.Binding is not KeyBinding { Key: { } key } || Array.IndexOf(digits, key.NoAlt) is not (>= 0 and var index))
            {
                return false;
            }
            var rooms = _app.Rooms;
            if (index < rooms.Count)
            {
                _app.SelectRoom(rooms[index].Name);
                Refresh();
            }
            return true;
        });
        foreach (var digit in digits)
        {
            KeyBindings.Add(digit.WithAlt, Command.Open);
        }
    }

    private void Bind(Command command, Func<bool?> action, params Key[] keys)
    {
        AddCommand(command, action);
        foreach (var key in keys)
        {
            KeyBindings.Remove(key);
            KeyBindings.Add(key, command);
        }
    }

    private bool? Select(Action select)
    {
        select();
        Refresh();
        return true;
    }

    protected override void OnSubViewLayout(LayoutEventArgs args)
    {
        // Narrow or short terminals lose the title (below 8 rows), the room list (below 40 columns) and the
        // member list (below 60, or in a private conversation).
        _title.Visible = HasTitle;
        _rooms.Visible = _roomsRule.Visible = RoomsWidth > 0 && BodyHeight > 0;
        _members.Visible = _membersRule.Visible = MembersWidth > 0 && BodyHeight > 0;
        _status.Visible = Rows >= 2;
        base.OnSubViewLayout(args);
    }
}
