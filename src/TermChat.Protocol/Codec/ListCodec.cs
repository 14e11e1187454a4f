using System.Collections.Immutable;

namespace TermChat.Protocol.Codec;

/// <summary>Encodes the list fields: a u16 count followed by the items.</summary>
internal static class ListCodec
{
    // The smallest encoding of each item, used to refuse counts the frame cannot hold before allocating.
    private const int MinMemberBytes = 4;
    private const int MinRoomBytes = 8;
    private const int MinStatBytes = 10;
    private const int MinCursorBytes = 10;
    private const int MinSearchHitBytes = 21;
    private const int MaxItems = ushort.MaxValue;

    // Checked while measuring, so an oversized list fails before any byte is written.
    private static int CountSize(int count, int maxItems = MaxItems) => count <= maxItems
        ? PayloadSize.U16
        : throw new ArgumentException($"A list field holds at most {maxItems} items; this one has {count}.", "items");

    public static int SizeOf(ValueList<Member> items)
    {
        int size = CountSize(items.Count);
        foreach (var m in items)
        {
            size += PayloadSize.Str(m.Nick, ProtocolLimits.MaxNickBytes) + PayloadSize.Str(m.Away, ProtocolLimits.MaxReasonBytes);
        }
        return size;
    }

    public static int SizeOf(ValueList<RoomInfo> items)
    {
        int size = CountSize(items.Count);
        foreach (var r in items)
        {
            size += PayloadSize.Str(r.Name, ProtocolLimits.MaxRoomBytes) + PayloadSize.U32 + PayloadSize.Str(r.Topic, ProtocolLimits.MaxTopicBytes);
        }
        return size;
    }

    public static int SizeOf(ValueList<StatEntry> items)
    {
        int size = CountSize(items.Count);
        foreach (var s in items)
        {
            size += PayloadSize.Str(s.Name, ProtocolLimits.MaxReasonBytes) + PayloadSize.U64;
        }
        return size;
    }

    public static int SizeOf(ValueList<RoomCursor> items)
    {
        int size = CountSize(items.Count, ProtocolLimits.MaxResumeCursors);
        foreach (var c in items)
        {
            size += PayloadSize.Str(c.Room, ProtocolLimits.MaxRoomBytes) + PayloadSize.U64;
        }
        return size;
    }

    public static int SizeOf(ValueList<SearchHit> items)
    {
        int size = CountSize(items.Count, ProtocolLimits.MaxSearchResults);
        foreach (var h in items)
        {
            size += PayloadSize.U64 + PayloadSize.U64 + PayloadSize.Str(h.From, ProtocolLimits.MaxNickBytes) + PayloadSize.U8 + PayloadSize.Str(h.Text, ProtocolLimits.MaxTextBytes);
        }
        return size;
    }

    public static void Write(ref PayloadWriter writer, ValueList<Member> items)
    {
        writer.U16(checked((ushort)items.Count));
        foreach (var m in items)
        {
            writer.Str(m.Nick);
            writer.Str(m.Away);
        }
    }

    public static void Write(ref PayloadWriter writer, ValueList<RoomInfo> items)
    {
        writer.U16(checked((ushort)items.Count));
        foreach (var r in items)
        {
            writer.Str(r.Name);
            writer.U32(r.Members);
            writer.Str(r.Topic);
        }
    }

    public static void Write(ref PayloadWriter writer, ValueList<StatEntry> items)
    {
        writer.U16(checked((ushort)items.Count));
        foreach (var s in items)
        {
            writer.Str(s.Name);
            writer.I64(s.Value);
        }
    }

    public static void Write(ref PayloadWriter writer, ValueList<RoomCursor> items)
    {
        writer.U16(checked((ushort)items.Count));
        foreach (var c in items)
        {
            writer.Str(c.Room);
            writer.U64(c.LastSeq);
        }
    }

    public static void Write(ref PayloadWriter writer, ValueList<SearchHit> items)
    {
        writer.U16(checked((ushort)items.Count));
        foreach (var h in items)
        {
            writer.U64(h.Seq);
            writer.I64(h.TimeMs);
            writer.Str(h.From);
            writer.U8((byte)h.Kind);
            writer.Str(h.Text);
        }
    }

    public static ValueList<Member> ReadMembers(ref PayloadReader reader)
    {
        int count = reader.Count(MinMemberBytes, MaxItems);
        var items = ImmutableArray.CreateBuilder<Member>(count);
        for (int i = 0; i < count; i++)
        {
            items.Add(new Member(reader.Str(ProtocolLimits.MaxNickBytes), reader.Str(ProtocolLimits.MaxReasonBytes)));
        }
        return items.MoveToImmutable();
    }

    public static ValueList<RoomInfo> ReadRooms(ref PayloadReader reader)
    {
        int count = reader.Count(MinRoomBytes, MaxItems);
        var items = ImmutableArray.CreateBuilder<RoomInfo>(count);
        for (int i = 0; i < count; i++)
        {
            items.Add(new RoomInfo(reader.Str(ProtocolLimits.MaxRoomBytes), reader.U32(), reader.Str(ProtocolLimits.MaxTopicBytes)));
        }
        return items.MoveToImmutable();
    }

    public static ValueList<StatEntry> ReadStats(ref PayloadReader reader)
    {
        int count = reader.Count(MinStatBytes, MaxItems);
        var items = ImmutableArray.CreateBuilder<StatEntry>(count);
        for (int i = 0; i < count; i++)
        {
            items.Add(new StatEntry(reader.Str(ProtocolLimits.MaxReasonBytes), reader.I64()));
        }
        return items.MoveToImmutable();
    }

    public static ValueList<RoomCursor> ReadCursors(ref PayloadReader reader)
    {
        int count = reader.Count(MinCursorBytes, ProtocolLimits.MaxResumeCursors);
        var items = ImmutableArray.CreateBuilder<RoomCursor>(count);
        for (int i = 0; i < count; i++)
        {
            items.Add(new RoomCursor(reader.Str(ProtocolLimits.MaxRoomBytes), reader.U64()));
        }
        return items.MoveToImmutable();
    }

    public static ValueList<SearchHit> ReadSearchHits(ref PayloadReader reader)
    {
        int count = reader.Count(MinSearchHitBytes, ProtocolLimits.MaxSearchResults);
        var items = ImmutableArray.CreateBuilder<SearchHit>(count);
        for (int i = 0; i < count; i++)
        {
            items.Add(new SearchHit(reader.U64(), reader.I64(), reader.Str(ProtocolLimits.MaxNickBytes), reader.Kind(), reader.Str(ProtocolLimits.MaxTextBytes)));
        }
        return items.MoveToImmutable();
    }
}
