using TermChat.Server.Core;
using TermChat.Server.Core.Identity;
using TermChat.Server.Core.Moderation;
using TermChat.Server.History;

namespace TermChat.Server.Storage;

/// <summary>One write queued for the <see cref="StoreWriter"/>.</summary>
internal readonly record struct StoreOp(StoreOpKind Kind, RoomEntry? Entry = null, string Key = "", string Text = "", long Number = 0, SessionRecord? Session = null,
    Action? Release = null, Ban? Ban = null)
{
    public static StoreOp Append(RoomEntry entry) => new(StoreOpKind.Append, entry);

    public static StoreOp Topic(string room, string topic) => new(StoreOpKind.Topic, Key: room, Text: topic);

    public static StoreOp Access(string room, RoomAccess access) => new(StoreOpKind.Access, Key: room, Text: access.Key, Number: (long)access.Modes);

    /// <summary>Deletes the room's entries below <paramref name="firstKept"/>: they left the retained history.</summary>
    public static StoreOp Prune(string room, ulong firstKept) => new(StoreOpKind.Prune, Key: room, Number: (long)firstKept);

    public static StoreOp SaveSession(SessionRecord session) => new(StoreOpKind.SaveSession, Session: session);

    public static StoreOp DeleteSession(string tokenHash) => new(StoreOpKind.DeleteSession, Key: tokenHash);

    public static StoreOp SaveOwner(NickOwner owner) => new(StoreOpKind.SaveOwner, Key: owner.Nick, Text: owner.Fingerprint, Number: owner.SinceMs);

    public static StoreOp DeleteOwner(string nick) => new(StoreOpKind.DeleteOwner, Key: nick);

    public static StoreOp SaveBan(Ban ban) => new(StoreOpKind.SaveBan, Ban: ban);

    public static StoreOp DeleteBan(string target) => new(StoreOpKind.DeleteBan, Key: target);

    /// <summary>
    /// Brings the full-text index up to every message committed so far, then runs <paramref name="search"/>: a search
    /// sees what its room's members have seen.
    /// </summary>
    public static StoreOp IndexForSearch(Action search) => new(StoreOpKind.IndexForSearch, Release: search);
}
