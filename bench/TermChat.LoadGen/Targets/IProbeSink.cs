namespace TermChat.LoadGen.Targets;

/// <summary>Receives the text of each chat message a scanner finds in a byte stream.</summary>
public interface IProbeSink
{
    /// <summary>One delivered message's text (a probe, or other chatter the sink ignores).</summary>
    void OnText(ReadOnlySpan<byte> text);
}
