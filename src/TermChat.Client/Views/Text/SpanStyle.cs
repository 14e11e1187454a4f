namespace TermChat.Client.Views.Text;

/// <summary>The style of a span: its role, and for nicks the 256-colour index from <see cref="NickColors"/>.</summary>
/// <param name="Role">What the text is.</param>
/// <param name="NickColor">The nick's colour index; used only by <see cref="SpanRole.Nick"/> and <see cref="SpanRole.OwnNick"/>.</param>
public readonly record struct SpanStyle(SpanRole Role, byte NickColor = 0)
{
    /// <summary>Ordinary text.</summary>
    public static SpanStyle Normal => default;

    /// <summary>Shorthand for a role without a colour.</summary>
    public static implicit operator SpanStyle(SpanRole role) => new(role);
}
