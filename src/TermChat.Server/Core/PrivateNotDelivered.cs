namespace TermChat.Server.Core;

/// <summary>What a sender is told when a private message, already echoed, could not be delivered after all.</summary>
internal static class PrivateNotDelivered
{
    /// <summary>The recipient's connection dropped and their session waits for a resume: nothing could take the message.</summary>
    public static string Detached(string to) =>
        $"{to}'s connection dropped before your message arrived ({to} may be back in a moment): it was not delivered.";
}
