using System.Text;
using TermChat.Protocol;
using TermChat.Protocol.Messages;

namespace TermChat.TestKit.Protocol;

/// <summary>
/// Valid protocol messages for tests: a fixed set with one of every message type, and a seeded
/// generator of random messages whose every string is valid UTF-8 within its wire limit.
/// </summary>
public static class SampleMessages
{
    private static readonly ResumeToken Token = new(0x0123456789ABCDEF, 0xFEDCBA9876543210);

    /// <summary>One message of every type, with CJK and emoji text where text is allowed.</summary>
    public static IReadOnlyList<Message> OneOfEach() =>
    [
        new Hello(ProtocolLimits.Version, "ann", Token, new[] { new RoomCursor("#lobby", 41), new RoomCursor("#dev", 7) }),
        new JoinRoom("#dev"),
        new PartRoom("#dev", "lunch"),
        new SendMessage("#lobby", MessageKind.Say, "hello 世界 👋"),
        new SendPrivate("bob", "psst"),
        new ChangeNick("ann_"),
        new SetTopic("#dev", "Ship it — Friday"),
        new SetAway("meeting"),
        new ListMembers("#lobby"),
        new ListRooms(),
        new GetStats(),
        new SearchHistory("#dev", "deploy 世界*"),
        new Ping(0xDEADBEEFCAFEF00D),
        new Pong(42),
        new Bye("gone"),
        new Welcome(ProtocolLimits.Version, "ann", Token, true, "termchat", "async", 30, "Welcome! 欢迎"),
        new RoomMessage("#lobby", 42, 1_763_790_000_000, "bob", MessageKind.Action, "waves 🙂", false),
        new RoomEvent("#lobby", 43, 1_763_790_001_000, RoomEventKind.NickChange, "bob", "bobby", true),
        new PrivateMessage("bob", "ann", 1_763_790_002_000, "ça va?"),
        new RoomJoined("#lobby", "General chat", 43, new[] { new Member("ann", ""), new Member("bob", "lunch") }),
        new RoomParted("#dev"),
        new MemberList("#lobby", new[] { new Member("ann", ""), new Member("carol", "away") }),
        new RoomList(new[] { new RoomInfo("#lobby", 3, "General chat"), new RoomInfo("#dev", 0, "") }),
        new HistoryBegin("#lobby", 10, 43, 2),
        new HistoryEnd("#lobby"),
        new NickChanged("ann", "ann_"),
        new Notice("", "Server restarting in 5 minutes"),
        new Stats("select", new[] { new StatEntry("connections", 12), new StatEntry("delta", -3) }),
        new Error(ErrorCode.NickInUse, "The nick ann is taken."),
        new SearchResults("#dev", "deploy", new[] { new SearchHit(9, 1_763_790_003_000, "bob", MessageKind.Action, "deploys 🚀"), new SearchHit(3, 1_763_790_000_000, "ann", MessageKind.Say, "deploy?") }),
    ];

    /// <summary>A random valid message of any type, chosen by <paramref name="random"/>.</summary>
    public static Message Random(Random random)
    {
        var types = Enum.GetValues<MessageType>();
        return Random(random, types[random.Next(types.Length)]);
    }

    /// <summary>A random valid message of the given type.</summary>
    public static Message Random(Random random, MessageType type)
    {
        string Room() => "#" + Ascii(random, 1, ProtocolLimits.MaxRoomBytes - 1, "abcdefghijklmnopqrstuvwxyz0123456789_-");
        string Nick() => Ascii(random, 1, ProtocolLimits.MaxNickBytes, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-[]{}|^`");
        string Text(int max) => Utf8Text(random, max);
        ulong U64() => (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63);
        long I64() => (long)U64();
        bool Bool() => random.Next(2) == 1;
        ResumeToken Tok() => random.Next(4) == 0 ? ResumeToken.None : new ResumeToken(U64(), U64());
        T[] List<T>(Func<T> item, int max = 8) => Enumerable.Range(0, random.Next(max + 1)).Select(_ => item()).ToArray();
        Member Mem() => new(Nick(), random.Next(3) == 0 ? Text(ProtocolLimits.MaxReasonBytes) : "");

        return type switch
        {
            MessageType.Hello => new Hello(ProtocolLimits.Version, Nick(), Tok(), List(() => new RoomCursor(Room(), U64()))),
            MessageType.JoinRoom => new JoinRoom(Room()),
            MessageType.PartRoom => new PartRoom(Room(), Text(ProtocolLimits.MaxReasonBytes)),
            MessageType.SendMessage => new SendMessage(Room(), Bool() ? MessageKind.Action : MessageKind.Say, Text(ProtocolLimits.MaxTextBytes)),
            MessageType.SendPrivate => new SendPrivate(Nick(), Text(ProtocolLimits.MaxTextBytes)),
            MessageType.ChangeNick => new ChangeNick(Nick()),
            MessageType.SetTopic => new SetTopic(Room(), Text(ProtocolLimits.MaxTopicBytes)),
            MessageType.SetAway => new SetAway(Text(ProtocolLimits.MaxReasonBytes)),
            MessageType.ListMembers => new ListMembers(Room()),
            MessageType.ListRooms => new ListRooms(),
            MessageType.GetStats => new GetStats(),
            MessageType.SearchHistory => new SearchHistory(Room(), Text(ProtocolLimits.MaxSearchBytes)),
            MessageType.SearchResults => new SearchResults(Room(), Text(ProtocolLimits.MaxSearchBytes),
                List(() => new SearchHit(U64(), I64(), Nick(), Bool() ? MessageKind.Action : MessageKind.Say, Text(ProtocolLimits.MaxTextBytes)))),
            MessageType.Ping => new Ping(U64()),
            MessageType.Pong => new Pong(U64()),
            MessageType.Bye => new Bye(Text(ProtocolLimits.MaxReasonBytes)),
            MessageType.Welcome => new Welcome(ProtocolLimits.Version, Nick(), Tok(), Bool(), Text(ProtocolLimits.MaxReasonBytes), Text(ProtocolLimits.MaxReasonBytes), (ushort)random.Next(ushort.MaxValue + 1), Text(ProtocolLimits.MaxTextBytes)),
            MessageType.RoomMessage => new RoomMessage(Room(), U64(), I64(), Nick(), Bool() ? MessageKind.Action : MessageKind.Say, Text(ProtocolLimits.MaxTextBytes), Bool()),
            MessageType.RoomEvent => new RoomEvent(Room(), U64(), I64(), (RoomEventKind)random.Next(1, 8), Nick(), Text(ProtocolLimits.MaxTopicBytes), Bool()),
            MessageType.PrivateMessage => new PrivateMessage(Nick(), Nick(), I64(), Text(ProtocolLimits.MaxTextBytes)),
            MessageType.RoomJoined => new RoomJoined(Room(), Text(ProtocolLimits.MaxTopicBytes), U64(), List(Mem, 20)),
            MessageType.RoomParted => new RoomParted(Room()),
            MessageType.MemberList => new MemberList(Room(), List(Mem, 20)),
            MessageType.RoomList => new RoomList(List(() => new RoomInfo(Room(), (uint)random.NextInt64(uint.MaxValue + 1L), Text(ProtocolLimits.MaxTopicBytes)))),
            MessageType.HistoryBegin => new HistoryBegin(Room(), U64(), U64(), U64()),
            MessageType.HistoryEnd => new HistoryEnd(Room()),
            MessageType.NickChanged => new NickChanged(Nick(), Nick()),
            MessageType.Notice => new Notice(random.Next(3) == 0 ? "" : Room(), Text(ProtocolLimits.MaxTextBytes)),
            MessageType.Stats => new Stats(Text(ProtocolLimits.MaxReasonBytes), List(() => new StatEntry(Text(ProtocolLimits.MaxReasonBytes), I64()))),
            MessageType.Error => new Error((ErrorCode)random.Next(1, 23), Text(ProtocolLimits.MaxTextBytes)),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "No generator for this type."),
        };
    }

    /// <summary>
    /// Random text that is valid UTF-8 of at most <paramref name="maxBytes"/> bytes, mixing ASCII,
    /// accented Latin, CJK and emoji (surrogate pairs); usually short, sometimes near the limit.
    /// </summary>
    public static string Utf8Text(Random random, int maxBytes)
    {
        int budget = random.Next(8) switch
        {
            0 => 0,
            1 => maxBytes,
            2 => random.Next(maxBytes + 1),
            _ => random.Next(Math.Min(maxBytes, 80) + 1),
        };
        var text = new StringBuilder();
        int used = 0;
        while (true)
        {
            string next = random.Next(10) switch
            {
                < 5 => ((char)random.Next(0x20, 0x7F)).ToString(),
                5 => ((char)random.Next(0xC0, 0x180)).ToString(),
                6 or 7 => ((char)random.Next(0x4E00, 0x9FA0)).ToString(),
                8 => char.ConvertFromUtf32(random.Next(0x1F300, 0x1FA00)),
                _ => ((char)random.Next(0x3040, 0x30FF)).ToString(),
            };
            int size = Encoding.UTF8.GetByteCount(next);
            if (used + size > budget)
            {
                return text.ToString();
            }
            text.Append(next);
            used += size;
        }
    }

    private static string Ascii(Random random, int minLength, int maxLength, string alphabet)
    {
        var chars = new char[random.Next(minLength, maxLength + 1)];
        for (int i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[random.Next(alphabet.Length)];
        }
        return new string(chars);
    }
}
