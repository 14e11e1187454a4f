namespace TermChat.Server.Core;

/// <summary>What became of a private message another server of the cluster sent for a user here.</summary>
internal enum PrivateArrival
{
    /// <summary>Nobody here uses the nick (the user left, or moved to another server).</summary>
    Nobody,

    /// <summary>Handed to the user's connection.</summary>
    Delivered,

    /// <summary>The user's connection dropped and the session waits for a resume: nobody could take it.</summary>
    Detached,
}
