using System.Globalization;
using TermChat.Client.App;
using TermChat.Client.Views.Text;
using Terminal.Gui.Drawing;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;

namespace TermChat.Client.Views;

/// <summary>
/// The current room's members under a count, in their nick colours; away members dimmed with "~". When they do
/// not fit, the last row says how many more there are. A click on a nick starts a private message.
/// </summary>
internal sealed class MemberList : View
{
    /// <summary>How chat text is coloured over the theme.</summary>
    public ColorMode Colors { get; init; }

    private readonly ChatApp _app;

    public MemberList(ChatApp app)
    {
        _app = app;
        CanFocus = false;
    }

    /// <summary>Raised with a nick when the user clicks one.</summary>
    public event Action<string>? NickClicked;

    protected override bool OnMouseEvent(Mouse mouse)
    {
        if (mouse.IsSingleClicked && mouse.Position is { } at && _app.CurrentRoom is { } room && at.Y >= 1 && at.Y - 1 < room.Members.Count)
        {
            NickClicked?.Invoke(room.Members[at.Y - 1].Nick);
            return true;
        }
        return base.OnMouseEvent(mouse);
    }

    protected override bool OnDrawingContent(DrawContext? context)
    {
        var normal = GetAttributeForRole(VisualRole.Normal);
        int width = Viewport.Width;
        int height = Viewport.Height;
        if (_app.CurrentRoom is not { } room || width <= 0 || height <= 0)
        {
            return true;
        }
        var members = room.Members;
        string header = members.Count == 1 ? "1 member" : $"{members.Count.ToString(CultureInfo.InvariantCulture)} members";
        ChatPalette.Draw(this, 0, 0, width, new StyledLine([new Span(header, SpanRole.Dim)]), normal, Colors);
        int rows = height - 1;
        bool overflow = members.Count > rows;
        int shown = overflow ? Math.Max(0, rows - 1) : members.Count;
        string me = _app.Status.Nick;
        for (int i = 0; i < shown && i < members.Count; i++)
        {
            var member = members[i];
            if (member.IsAway)
            {
                ChatPalette.Draw(this, 0, 1 + i, width, new StyledLine([new Span("~" + member.Nick, SpanRole.Dim)]), normal, Colors);
            }
            else
            {
                bool own = string.Equals(member.Nick, me, StringComparison.OrdinalIgnoreCase);
                ChatPalette.Draw(this, 1, 1 + i, width - 1, new StyledLine([MessageFormatter.Nick(member.Nick, own)]), normal, Colors);
            }
        }
        if (overflow && rows > 0)
        {
            ChatPalette.Draw(this, 0, height - 1, width, new StyledLine([new Span($"+{(members.Count - shown).ToString(CultureInfo.InvariantCulture)} more", SpanRole.Dim)]), normal, Colors);
        }
        return true;
    }
}
