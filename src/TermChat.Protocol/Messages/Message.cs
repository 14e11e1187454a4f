using TermChat.Protocol.Codec;

namespace TermChat.Protocol.Messages;

/// <summary>
/// A protocol message. Messages are immutable records with value equality; the codec turns them
/// into frames and back (PROTOCOL.md lists every field).
/// </summary>
public abstract record Message
{
    /// <summary>The type byte this message travels under.</summary>
    public abstract MessageType Type { get; }

    internal abstract int PayloadBytes { get; }

    internal abstract void WritePayload(ref PayloadWriter writer);
}
