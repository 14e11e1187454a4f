using TermChat.Protocol.Codec;

namespace TermChat.Protocol.Messages;

/// <summary>The answer to <see cref="SearchHistory"/>: the matching messages, newest first (protocol version 2).</summary>
public sealed record SearchResults(string Room, string Words, ValueList<SearchHit> Results) : Message
{
    public override MessageType Type => MessageType.SearchResults;

    internal override int PayloadBytes => PayloadSize.Str(Room, ProtocolLimits.MaxRoomBytes) + PayloadSize.Str(Words, ProtocolLimits.MaxSearchBytes) + ListCodec.SizeOf(Results);

    internal override void WritePayload(ref PayloadWriter writer)
    {
        writer.Str(Room);
        writer.Str(Words);
        ListCodec.Write(ref writer, Results);
    }

    internal static SearchResults Read(ref PayloadReader reader) =>
        new(reader.Str(ProtocolLimits.MaxRoomBytes), reader.Str(ProtocolLimits.MaxSearchBytes), ListCodec.ReadSearchHits(ref reader));
}
