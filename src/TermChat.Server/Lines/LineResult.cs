namespace TermChat.Server.Lines;

/// <summary>What <see cref="LineReader.TryRead"/> found.</summary>
internal enum LineResult
{
    /// <summary>No complete line yet; read more.</summary>
    NeedMore,
    /// <summary>A line.</summary>
    Line,
    /// <summary>A line passed the limit and is dropped (reported once per line).</summary>
    TooLong,
}
