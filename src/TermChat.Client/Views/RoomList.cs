using System.Globalization;
using TermChat.Client.App;
using TermChat.Client.Views.Text;
using Terminal.Gui.Drawing;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;

namespace TermChat.Client.Views;

/// <summary>
/// Joined rooms and private conversations, numbered 1..9 for Alt+digit, with the unread count on the right
/// ("@n" when one of them mentions you). A click switches rooms. More rooms than rows scroll so the current one
/// stays in view.
/// </summary>
internal sealed class RoomList : View
{
    /// <summary>How chat text is coloured over the theme.</summary>
    public ColorMode Colors { get; init; }

    private readonly ChatApp _app;

    public RoomList(ChatApp app)
    {
        _app = app;
        CanFocus = false;
    }

    /// <summary>Raised after a click switched rooms.</summary>
    public event Action? RoomChosen;

    private int FirstShown()
    {
        var rooms = _app.Rooms;
        int current = _app.CurrentRoom is { } room ? IndexOf(rooms, room) : 0;
        return Math.Max(0, current - Viewport.Height + 1);
    }

    private RoomState? RoomAt(int y)
    {
        int index = FirstShown() + y;
        return y >= 0 && index < _app.Rooms.Count ? _app.Rooms[index] : null;
    }

    protected override bool OnMouseEvent(Mouse mouse)
    {
        if (mouse.IsSingleClicked && mouse.Position is { } at && RoomAt(at.Y) is { } room)
        {
            _app.SelectRoom(room.Name);
            RoomChosen?.Invoke();
            return true;
        }
        return base.OnMouseEvent(mouse);
    }

    protected override bool OnDrawingContent(DrawContext? context)
    {
        var normal = GetAttributeForRole(VisualRole.Normal);
        int width = Viewport.Width;
        var rooms = _app.Rooms;
        var current = _app.CurrentRoom;
        int first = FirstShown();
        for (int y = 0; y < Viewport.Height; y++)
        {
            int i = first + y;
            if (i >= rooms.Count)
            {
                continue;
            }
            var room = rooms[i];
            bool selected = room == current;
            SpanStyle style = selected ? SpanRole.Reverse
                : room.MentionCount > 0 ? SpanRole.Mention
                : room.UnreadCount > 0 ? SpanRole.Bold
                : SpanStyle.Normal;
            if (selected)
            {
                ChatPalette.Draw(this, 0, y, width, new StyledLine([new Span(new string(' ', width), style)]), normal, Colors);
            }
            string count = room.UnreadCount == 0 || selected ? ""
                : room.MentionCount > 0 ? $"@{room.UnreadCount.ToString(CultureInfo.InvariantCulture)}"
                : room.UnreadCount.ToString(CultureInfo.InvariantCulture);
            int countWidth = count.Length == 0 ? 0 : count.Length + 1;
            string label = i < 9 ? $"{(i + 1).ToString(CultureInfo.InvariantCulture)} {room.Name}" : $"  {room.Name}";
            ChatPalette.Draw(this, 0, y, width - countWidth, new StyledLine([new Span(label, style)]), normal, Colors);
            if (count.Length > 0 && width > count.Length)
            {
                ChatPalette.Draw(this, width - count.Length, y, count.Length, new StyledLine([new Span(count, style)]), normal, Colors);
            }
        }
        return true;
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
}
