using System.Text;
using FsCheck;
using FsCheck.Fluent;
using TermChat.Protocol.Messages;

namespace TermChat.Protocol.Tests;

/// <summary>FsCheck generators for every message record, with strings valid UTF-8 within their wire limits.</summary>
internal static class MessageGenerators
{
    private const string NickChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-[]{}|^`";
    private const string RoomChars = "abcdefghijklmnopqrstuvwxyz0123456789_-";

    private static readonly Gen<ulong> U64 =
        Gen.OneOf(Gen.Elements(0UL, 1UL, ulong.MaxValue, (ulong)long.MaxValue + 1), Gen.Choose(0, int.MaxValue).Select(i => (ulong)i),
            from hi in Gen.Choose(int.MinValue, int.MaxValue) from lo in Gen.Choose(int.MinValue, int.MaxValue) select ((ulong)(uint)hi << 32) | (uint)lo);

    private static readonly Gen<long> I64 = U64.Select(u => unchecked((long)u));
    private static readonly Gen<bool> Bool = Gen.Elements(false, true);
    private static readonly Gen<ResumeToken> Token = Gen.OneOf(Gen.Constant(ResumeToken.None), from h in U64 from l in U64 select new ResumeToken(h, l));

    private static Gen<string> Ascii(string alphabet, int min, int max) =>
        from length in Gen.Choose(min, max)
        from chars in Gen.ArrayOf(Gen.Elements(alphabet.ToCharArray()), length)
        select new string(chars);

    private static readonly Gen<string> Nick = Ascii(NickChars, 1, ProtocolLimits.MaxNickBytes);
    private static readonly Gen<string> Room = Ascii(RoomChars, 1, ProtocolLimits.MaxRoomBytes - 1).Select(r => "#" + r);

    // Unicode scalar values from several scripts, including astral-plane emoji (surrogate pairs in UTF-16).
    private static readonly Gen<string> Scalar = Gen.OneOf(
        Gen.Choose(0x20, 0x7E), Gen.Choose(0x00, 0x1F), Gen.Choose(0xA0, 0x24F), Gen.Choose(0x4E00, 0x9FFF),
        Gen.Choose(0xAC00, 0xD7A3), Gen.Choose(0xE000, 0xFFFD), Gen.Choose(0x1F300, 0x1FAFF), Gen.Choose(0x10000, 0x10FFFF))
        .Select(char.ConvertFromUtf32);

    /// <summary>Text of at most <paramref name="maxBytes"/> UTF-8 bytes; long strings are cut at a scalar boundary.</summary>
    private static Gen<string> Text(int maxBytes) =>
        Gen.OneOf(
            Gen.ArrayOf(Scalar).Select(parts => Fit(string.Concat(parts), maxBytes)),
            from scalar in Scalar from count in Gen.Choose(0, maxBytes) select Fit(string.Concat(Enumerable.Repeat(scalar, count)), maxBytes));

    private static string Fit(string text, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(text) <= maxBytes)
        {
            return text;
        }
        var result = new StringBuilder();
        int used = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (used + rune.Utf8SequenceLength > maxBytes)
            {
                break;
            }
            result.Append(rune.ToString());
            used += rune.Utf8SequenceLength;
        }
        return result.ToString();
    }

    private static Gen<ValueList<T>> List<T>(Gen<T> item) =>
        Gen.ArrayOf(item).Select(items => (ValueList<T>)items);

    private static readonly Gen<Member> MemberGen = from n in Nick from a in Text(ProtocolLimits.MaxReasonBytes) select new Member(n, a);
    private static readonly Gen<MessageKind> Kind = Gen.Elements(MessageKind.Say, MessageKind.Action);
    private static readonly Gen<RoomEventKind> EventKind = Gen.Elements(Enum.GetValues<RoomEventKind>());

    private static readonly Gen<ValueList<RoomCursor>> Cursors =
        from count in Gen.Choose(0, ProtocolLimits.MaxResumeCursors)
        from items in Gen.ArrayOf(from r in Room from s in U64 select new RoomCursor(r, s), count)
        select (ValueList<RoomCursor>)items;

    /// <summary>One generator per message type, keyed by type so a test can prove none is missing.</summary>
    public static readonly IReadOnlyDictionary<MessageType, Gen<Message>> ByType = new Dictionary<MessageType, Gen<Message>>
    {
        [MessageType.Hello] = from n in Nick from t in Token from c in Cursors select (Message)new Hello(ProtocolLimits.Version, n, t, c),
        [MessageType.JoinRoom] = Room.Select(r => (Message)new JoinRoom(r)),
        [MessageType.PartRoom] = from r in Room from t in Text(ProtocolLimits.MaxReasonBytes) select (Message)new PartRoom(r, t),
        [MessageType.SendMessage] = from r in Room from k in Kind from t in Text(ProtocolLimits.MaxTextBytes) select (Message)new SendMessage(r, k, t),
        [MessageType.SendPrivate] = from n in Nick from t in Text(ProtocolLimits.MaxTextBytes) select (Message)new SendPrivate(n, t),
        [MessageType.ChangeNick] = Nick.Select(n => (Message)new ChangeNick(n)),
        [MessageType.SetTopic] = from r in Room from t in Text(ProtocolLimits.MaxTopicBytes) select (Message)new SetTopic(r, t),
        [MessageType.SetAway] = Text(ProtocolLimits.MaxReasonBytes).Select(t => (Message)new SetAway(t)),
        [MessageType.ListMembers] = Room.Select(r => (Message)new ListMembers(r)),
        [MessageType.ListRooms] = Gen.Constant((Message)new ListRooms()),
        [MessageType.GetStats] = Gen.Constant((Message)new GetStats()),
        [MessageType.SearchHistory] = from r in Room from w in Text(ProtocolLimits.MaxSearchBytes) select (Message)new SearchHistory(r, w),
        [MessageType.SearchResults] =
            from r in Room from w in Text(ProtocolLimits.MaxSearchBytes) from count in Gen.Choose(0, ProtocolLimits.MaxSearchResults)
            from hits in Gen.ArrayOf(from seq in U64 from time in I64 from f in Nick from k in Kind from t in Text(ProtocolLimits.MaxTextBytes) select new SearchHit(seq, time, f, k, t), count)
            select (Message)new SearchResults(r, w, hits),
        [MessageType.Ping] = U64.Select(n => (Message)new Ping(n)),
        [MessageType.Pong] = U64.Select(n => (Message)new Pong(n)),
        [MessageType.Bye] = Text(ProtocolLimits.MaxReasonBytes).Select(t => (Message)new Bye(t)),
        [MessageType.Welcome] =
            from n in Nick from t in Token from resumed in Bool from s in Text(ProtocolLimits.MaxReasonBytes) from m in Text(ProtocolLimits.MaxReasonBytes)
            from k in Gen.Choose(0, ushort.MaxValue) from motd in Text(ProtocolLimits.MaxTextBytes)
            select (Message)new Welcome(ProtocolLimits.Version, n, t, resumed, s, m, (ushort)k, motd),
        [MessageType.RoomMessage] =
            from r in Room from seq in U64 from time in I64 from f in Nick from k in Kind from t in Text(ProtocolLimits.MaxTextBytes) from replay in Bool
            select (Message)new RoomMessage(r, seq, time, f, k, t, replay),
        [MessageType.RoomEvent] =
            from r in Room from seq in U64 from time in I64 from k in EventKind from n in Nick from d in Text(ProtocolLimits.MaxTopicBytes) from replay in Bool
            select (Message)new RoomEvent(r, seq, time, k, n, d, replay),
        [MessageType.PrivateMessage] =
            from f in Nick from to in Nick from time in I64 from t in Text(ProtocolLimits.MaxTextBytes) select (Message)new PrivateMessage(f, to, time, t),
        [MessageType.RoomJoined] =
            from r in Room from t in Text(ProtocolLimits.MaxTopicBytes) from seq in U64 from m in List(MemberGen) select (Message)new RoomJoined(r, t, seq, m),
        [MessageType.RoomParted] = Room.Select(r => (Message)new RoomParted(r)),
        [MessageType.MemberList] = from r in Room from m in List(MemberGen) select (Message)new MemberList(r, m),
        [MessageType.RoomList] =
            List(from r in Room from c in Gen.Choose(0, int.MaxValue) from t in Text(ProtocolLimits.MaxTopicBytes) select new RoomInfo(r, (uint)c * 2, t))
            .Select(rooms => (Message)new RoomList(rooms)),
        [MessageType.HistoryBegin] = from r in Room from a in U64 from b in U64 from m in U64 select (Message)new HistoryBegin(r, a, b, m),
        [MessageType.HistoryEnd] = Room.Select(r => (Message)new HistoryEnd(r)),
        [MessageType.NickChanged] = from a in Nick from b in Nick select (Message)new NickChanged(a, b),
        [MessageType.Notice] = from r in Gen.OneOf(Gen.Constant(""), Room) from t in Text(ProtocolLimits.MaxTextBytes) select (Message)new Notice(r, t),
        [MessageType.Stats] =
            from m in Text(ProtocolLimits.MaxReasonBytes) from e in List(from n in Text(ProtocolLimits.MaxReasonBytes) from v in I64 select new StatEntry(n, v))
            select (Message)new Stats(m, e),
        [MessageType.Error] = from c in Gen.Choose(0, ushort.MaxValue) from t in Text(ProtocolLimits.MaxTextBytes) select (Message)new Error((ErrorCode)c, t),
    };

    /// <summary>Any message, every type equally likely.</summary>
    public static readonly Gen<Message> Any = Gen.OneOf(ByType.Values);
}
