namespace TermChat.Protocol.Security;

/// <summary>A key file cannot be used; <see cref="Exception.Message"/> is one line a user can act on.</summary>
public sealed class KeyFileException : Exception
{
    /// <summary>Creates the exception.</summary>
    public KeyFileException(string message, Exception? inner = null) : base(message, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public KeyFileException() : this("the key file cannot be used")
    {
    }

    /// <summary>Creates the exception.</summary>
    public KeyFileException(string message) : this(message, null)
    {
    }
}
