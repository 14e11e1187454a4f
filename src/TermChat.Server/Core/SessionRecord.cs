namespace TermChat.Server.Core;

/// <summary>
/// A session as a durable store keeps it, so that clients resume across a restart. The resume token itself is never
/// stored, only its hash (<see cref="CoreSession.HashOf"/>): a copy of the data file does not let anyone take over a
/// session.
/// </summary>
/// <param name="TokenHash">SHA-256 of the resume token, hex.</param>
/// <param name="Nick">The session's nick.</param>
/// <param name="Away">Its away text, empty when not away.</param>
/// <param name="Rooms">Its rooms, in join order.</param>
/// <param name="DetachedMs">When its connection dropped (Unix ms, wall clock), or null while attached.</param>
/// <param name="KeyFingerprint">The key the session was opened with (only that key resumes it), or null for none.</param>
internal sealed record SessionRecord(string TokenHash, string Nick, string Away, IReadOnlyList<string> Rooms, long? DetachedMs, string? KeyFingerprint = null);
