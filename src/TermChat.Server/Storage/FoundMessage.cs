using TermChat.Protocol;

namespace TermChat.Server.Storage;

/// <summary>A stored room message that matched a <see cref="HistorySearch"/>.</summary>
/// <param name="Room">Its room.</param>
/// <param name="Seq">Its seq in the room.</param>
/// <param name="TimeMs">When it was said (Unix ms).</param>
/// <param name="Nick">Who said it.</param>
/// <param name="Kind">Say, action or notice.</param>
/// <param name="Text">The text, untrusted: sanitize before showing it.</param>
public sealed record FoundMessage(string Room, ulong Seq, long TimeMs, string Nick, MessageKind Kind, string Text);
