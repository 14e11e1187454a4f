namespace TermChat.Protocol.Text;

/// <summary>Where <see cref="TextSanitizer"/>'s output is shown, which decides how much of the text can be kept.</summary>
public enum TextTarget
{
    /// <summary>
    /// A stream of lines (plain mode, line-mode clients, history output): nothing is drawn in columns, so every
    /// character that cannot act on the terminal is kept.
    /// </summary>
    Stream,

    /// <summary>
    /// A cell grid whose frame must stay straight (the full-screen client): also changed is what terminals and the
    /// toolkit count in different numbers of columns (see <see cref="TextSanitizer"/>).
    /// </summary>
    CellGrid,
}
