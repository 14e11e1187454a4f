namespace TermChat.Server.Core.Identity;

/// <summary>A nick bound to the key that first used it (trust on first use).</summary>
/// <param name="Nick">The nick as its owner spelled it.</param>
/// <param name="Fingerprint">The owning key's fingerprint, as the transport reported it.</param>
/// <param name="SinceMs">When the binding was made (Unix ms).</param>
internal sealed record NickOwner(string Nick, string Fingerprint, long SinceMs);
