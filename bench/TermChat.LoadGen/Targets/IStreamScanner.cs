using System.Buffers;

namespace TermChat.LoadGen.Targets;

/// <summary>
/// Finds delivered messages in what a server sends, in place, without allocating: a TermChat frame
/// parser, an IRC or NATS line parser, a relay line splitter. One instance per connection.
/// </summary>
public interface IStreamScanner
{
    /// <summary>
    /// Scans complete messages at the front of <paramref name="data"/>, reporting each message text to
    /// <paramref name="sink"/> and writing protocol answers (PONG to a server's PING) to
    /// <paramref name="replies"/>.
    /// </summary>
    /// <returns>The bytes consumed; an incomplete message at the end is left for the next call.</returns>
    int Scan(ReadOnlySpan<byte> data, IProbeSink sink, IBufferWriter<byte> replies);

    /// <summary>The last error the server reported (an Error frame, an IRC ERROR, a NATS -ERR), if any.</summary>
    string? LastError { get; }
}
