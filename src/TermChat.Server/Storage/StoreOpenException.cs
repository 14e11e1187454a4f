namespace TermChat.Server.Storage;

/// <summary>
/// The data file cannot be used (corrupt, locked by another server, read-only, or of a newer schema). The message is
/// one line for the user: it names the file and the fix.
/// </summary>
public sealed class StoreOpenException(string message, Exception? inner = null) : Exception(message, inner);
