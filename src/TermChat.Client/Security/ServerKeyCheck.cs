namespace TermChat.Client.Security;

/// <summary>The outcome of checking a server's key against the pins.</summary>
/// <param name="Status">What was found.</param>
/// <param name="Fingerprint">The key the server presented.</param>
/// <param name="Pinned">The key pinned before, when it differed.</param>
public sealed record ServerKeyCheck(ServerKeyStatus Status, string Fingerprint, string? Pinned)
{
    /// <summary>A short line for the user: what was seen, and what was done about it.</summary>
    public string Describe() => Status switch
    {
        ServerKeyStatus.New => $"first contact: server key {Fingerprint} pinned (compare it with the server's banner)",
        ServerKeyStatus.Retrusted => $"server key changed from {Pinned} to {Fingerprint}: trusted as asked (--trust-new-key)",
        ServerKeyStatus.Changed => $"the server's key has CHANGED: pinned {Pinned}, now {Fingerprint}. Someone may be intercepting the connection; if the server really has a new key, connect once with --trust-new-key",
        _ => $"server key {Fingerprint} (pinned)",
    };
}
