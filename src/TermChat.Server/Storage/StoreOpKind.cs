namespace TermChat.Server.Storage;

/// <summary>What a <see cref="StoreOp"/> writes.</summary>
internal enum StoreOpKind
{
    Append,
    Topic,
    Access,
    Prune,
    SaveSession,
    DeleteSession,
    SaveOwner,
    DeleteOwner,
    SaveBan,
    DeleteBan,
    IndexForSearch,
}
