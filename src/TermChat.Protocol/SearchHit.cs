namespace TermChat.Protocol;

/// <summary>One stored room message that matched a history search (an item of <c>SearchResults</c>).</summary>
/// <param name="Seq">Its seq in the room.</param>
/// <param name="TimeMs">When the server sequenced it, Unix ms UTC.</param>
/// <param name="From">Who said it.</param>
/// <param name="Kind">Say or action.</param>
/// <param name="Text">The text, untrusted: sanitize before showing it.</param>
public readonly record struct SearchHit(ulong Seq, long TimeMs, string From, MessageKind Kind, string Text);
