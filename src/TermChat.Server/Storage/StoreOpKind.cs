namespace TermChat.Server.Storage;

/// <summary>What a <see cref="StoreOp"/> writes.</summary>
internal enum StoreOpKind
{
    Append,
    Topic,
    Prune,
    SaveSession,
    DeleteSession,
    SaveOwner,
    DeleteOwner,
    IndexForSearch,
}
