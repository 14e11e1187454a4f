namespace TermChat.Protocol.Text;

/// <summary>What <see cref="TextSanitizer"/> does with line feeds and tabs.</summary>
public enum LineBreaks
{
    /// <summary>Keep them: the caller breaks lines itself (plain mode, the message pane).</summary>
    Keep,

    /// <summary>Turn each into one space: the text is shown on a single row (titles, nicks, list entries).</summary>
    Space,
}
