using System.Reflection;
using TermChat.Protocol.Codec;
using TermChat.Protocol.Messages;
using static TermChat.Protocol.Tests.FrameTestData;

namespace TermChat.Protocol.Tests;

public sealed class ValidationTests
{
    private static readonly ResumeToken Token = new(1, 2);

    // Four ASCII bytes that occur nowhere else in these frames, so the test can find the field.
    private const string Marker = "~~~~";

    /// <summary>Every string field on the wire, as a message with <see cref="Marker"/> in that field.</summary>
    private static readonly Dictionary<string, Func<string, Message>> StringFields = new()
    {
        ["Hello.Nick"] = s => new Hello(1, s, Token, Array.Empty<RoomCursor>()),
        ["Hello.Cursors.Room"] = s => new Hello(1, "ann", Token, new[] { new RoomCursor(s, 3) }),
        ["JoinRoom.Room"] = s => new JoinRoom(s),
        ["PartRoom.Room"] = s => new PartRoom(s, "bye"),
        ["PartRoom.Reason"] = s => new PartRoom("#a", s),
        ["SendMessage.Room"] = s => new SendMessage(s, MessageKind.Say, "hi"),
        ["SendMessage.Text"] = s => new SendMessage("#a", MessageKind.Say, s),
        ["SendPrivate.To"] = s => new SendPrivate(s, "hi"),
        ["SendPrivate.Text"] = s => new SendPrivate("bob", s),
        ["ChangeNick.Nick"] = s => new ChangeNick(s),
        ["SetTopic.Room"] = s => new SetTopic(s, "t"),
        ["SetTopic.Topic"] = s => new SetTopic("#a", s),
        ["SetAway.Reason"] = s => new SetAway(s),
        ["ListMembers.Room"] = s => new ListMembers(s),
        ["Bye.Reason"] = s => new Bye(s),
        ["Welcome.Nick"] = s => new Welcome(1, s, Token, false, "srv", "async", 30, "motd"),
        ["Welcome.ServerName"] = s => new Welcome(1, "ann", Token, false, s, "async", 30, "motd"),
        ["Welcome.Mode"] = s => new Welcome(1, "ann", Token, false, "srv", s, 30, "motd"),
        ["Welcome.Motd"] = s => new Welcome(1, "ann", Token, false, "srv", "async", 30, s),
        ["RoomMessage.Room"] = s => new RoomMessage(s, 1, 2, "bob", MessageKind.Say, "hi", false),
        ["RoomMessage.From"] = s => new RoomMessage("#a", 1, 2, s, MessageKind.Say, "hi", false),
        ["RoomMessage.Text"] = s => new RoomMessage("#a", 1, 2, "bob", MessageKind.Say, s, false),
        ["RoomEvent.Room"] = s => new RoomEvent(s, 1, 2, RoomEventKind.Join, "bob", "", false),
        ["RoomEvent.Nick"] = s => new RoomEvent("#a", 1, 2, RoomEventKind.Join, s, "", false),
        ["RoomEvent.Detail"] = s => new RoomEvent("#a", 1, 2, RoomEventKind.Topic, "bob", s, false),
        ["PrivateMessage.From"] = s => new PrivateMessage(s, "ann", 2, "hi"),
        ["PrivateMessage.To"] = s => new PrivateMessage("bob", s, 2, "hi"),
        ["PrivateMessage.Text"] = s => new PrivateMessage("bob", "ann", 2, s),
        ["RoomJoined.Room"] = s => new RoomJoined(s, "t", 5, Array.Empty<Member>()),
        ["RoomJoined.Topic"] = s => new RoomJoined("#a", s, 5, Array.Empty<Member>()),
        ["RoomJoined.Members.Nick"] = s => new RoomJoined("#a", "t", 5, new[] { new Member(s, "") }),
        ["RoomJoined.Members.Away"] = s => new RoomJoined("#a", "t", 5, new[] { new Member("bob", s) }),
        ["RoomParted.Room"] = s => new RoomParted(s),
        ["MemberList.Room"] = s => new MemberList(s, Array.Empty<Member>()),
        ["MemberList.Members.Nick"] = s => new MemberList("#a", new[] { new Member(s, "") }),
        ["MemberList.Members.Away"] = s => new MemberList("#a", new[] { new Member("bob", s) }),
        ["RoomList.Rooms.Name"] = s => new RoomList(new[] { new RoomInfo(s, 1, "t") }),
        ["RoomList.Rooms.Topic"] = s => new RoomList(new[] { new RoomInfo("#a", 1, s) }),
        ["HistoryBegin.Room"] = s => new HistoryBegin(s, 1, 2, 0),
        ["HistoryEnd.Room"] = s => new HistoryEnd(s),
        ["NickChanged.OldNick"] = s => new NickChanged(s, "bob"),
        ["NickChanged.NewNick"] = s => new NickChanged("bob", s),
        ["Notice.Room"] = s => new Notice(s, "hi"),
        ["Notice.Text"] = s => new Notice("", s),
        ["Stats.Mode"] = s => new Stats(s, Array.Empty<StatEntry>()),
        ["Stats.Entries.Name"] = s => new Stats("async", new[] { new StatEntry(s, 1) }),
        ["Error.Text"] = s => new Error(ErrorCode.NotInRoom, s),
        ["SearchHistory.Room"] = s => new SearchHistory(s, "deploy"),
        ["SearchHistory.Words"] = s => new SearchHistory("#a", s),
        ["SearchResults.Room"] = s => new SearchResults(s, "deploy", Array.Empty<SearchHit>()),
        ["SearchResults.Words"] = s => new SearchResults("#a", s, Array.Empty<SearchHit>()),
        ["SearchResults.Results.From"] = s => new SearchResults("#a", "w", new[] { new SearchHit(1, 2, s, MessageKind.Say, "hi") }),
        ["SearchResults.Results.Text"] = s => new SearchResults("#a", "w", new[] { new SearchHit(1, 2, "bob", MessageKind.Say, s) }),
    };

    public static TheoryData<string> StringFieldNames() => new(StringFields.Keys);

    [Fact]
    public void The_string_field_table_covers_every_string_on_the_wire()
    {
        // Counted from the record shapes, so a new string field without a test fails here.
        static int StringsIn(Type type) => type.GetConstructors().Single().GetParameters().Sum(p =>
            p.ParameterType == typeof(string) ? 1
            : p.ParameterType.IsGenericType && p.ParameterType.GetGenericTypeDefinition() == typeof(ValueList<>) ? StringsIn(p.ParameterType.GetGenericArguments()[0])
            : 0);

        var expected = typeof(Message).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(Message)) && !t.IsAbstract)
            .SelectMany(t => Enumerable.Repeat(t.Name, StringsIn(t)))
            .Order();
        var tested = StringFields.Keys.Select(k => k[..k.IndexOf('.', StringComparison.Ordinal)]).Order();
        Assert.Equal(expected, tested);
    }

    public static TheoryData<string, string> InvalidUtf8Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var field in StringFields.Keys)
        {
            data.Add(field, "FF 41 41 41");
        }
        // Each way UTF-8 can be wrong, in one field.
        foreach (var bad in new[] { "C0 80 41 41", "ED A0 80 41", "F4 90 80 80", "80 41 41 41", "41 41 E4 B8", "F0 9F 98 41", "FE FE FE FE" })
        {
            data.Add("SendMessage.Text", bad);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(InvalidUtf8Cases))]
    public void Invalid_utf8_in_a_string_field_is_rejected(string field, string badHex)
    {
        var frame = FrameEncoder.ToArray(StringFields[field](Marker));
        Assert.Equal(StringFields[field](Marker), DecodeOne(frame));
        int at = IndexOfMarker(frame);
        Convert.FromHexString(badHex.Replace(" ", "", StringComparison.Ordinal)).CopyTo(frame, at);
        Assert.Equal(ErrorCode.InvalidUtf8, DecodeFails(frame).Code);
    }

    [Theory]
    [MemberData(nameof(StringFieldNames))]
    public void A_string_longer_than_its_field_limit_is_rejected(string field)
    {
        var frame = FrameEncoder.ToArray(StringFields[field](Marker));
        int at = IndexOfMarker(frame);
        // Claim 65535 bytes; no field allows that many, so the limit check fires before the bounds check.
        frame[at - 2] = 0xFF;
        frame[at - 1] = 0xFF;
        Assert.Equal(ErrorCode.TextTooLong, DecodeFails(frame).Code);
    }

    [Fact]
    public void A_string_length_running_past_the_frame_is_malformed()
    {
        var frame = FrameEncoder.ToArray(new JoinRoom(Marker));
        frame[IndexOfMarker(frame) - 1] = 5;
        Assert.Equal(ErrorCode.MalformedFrame, DecodeFails(frame).Code);
    }

    private static int IndexOfMarker(byte[] frame)
    {
        var marker = "~~~~"u8;
        int at = frame.AsSpan().IndexOf(marker);
        Assert.True(at > 0);
        Assert.Equal(-1, frame.AsSpan(at + 1).IndexOf(marker));
        return at;
    }

    [Fact]
    public void Every_undefined_type_byte_is_an_unknown_type()
    {
        var defined = Enum.GetValues<MessageType>().Select(t => (byte)t).ToHashSet();
        for (int type = 0; type < 256; type++)
        {
            var frame = FrameEncoder.ToArray(new Ping(1));
            frame[4] = (byte)type;
            if (defined.Contains((byte)type))
            {
                // A defined type with the wrong payload is malformed, never unknown.
                try
                {
                    DecodeOne(frame);
                }
                catch (ProtocolException ex)
                {
                    Assert.NotEqual(ErrorCode.UnknownType, ex.Code);
                }
            }
            else
            {
                Assert.Equal(ErrorCode.UnknownType, DecodeFails(frame).Code);
            }
        }
    }

    [Theory]
    [MemberData(nameof(SampleIndexes), MemberType = typeof(FrameTestData))]
    public void Trailing_bytes_after_the_last_field_are_malformed(int index)
    {
        var frame = FrameEncoder.ToArray(Samples[index]);
        var longer = Reframe([.. frame.AsSpan(4), 0]);
        Assert.Equal(ErrorCode.MalformedFrame, DecodeFails(longer).Code);
    }

    [Theory]
    [MemberData(nameof(SampleIndexes), MemberType = typeof(FrameTestData))]
    public void Every_truncated_payload_is_malformed(int index)
    {
        var body = FrameEncoder.ToArray(Samples[index]).AsSpan(4);
        for (int length = 1; length < body.Length; length++)
        {
            Assert.Equal(ErrorCode.MalformedFrame, DecodeFails(Reframe(body[..length])).Code);
        }
    }

    public static TheoryData<string, int, byte> BadBytes => new()
    {
        // Message, offset of the byte from the frame start, value to put there.
        { "Welcome.Resumed", 5 + 2 + 5 + 16, 2 },
        { "RoomMessage.Replay", -1, 2 },
        { "RoomMessage.Replay", -1, 0xFF },
        { "RoomEvent.Replay", -1, 2 },
        { "SendMessage.Kind", 5 + 5, 2 },
        { "RoomMessage.Kind", 5 + 5 + 16 + 5, 7 },
        { "RoomEvent.Kind", 5 + 5 + 16, 0 },
        { "RoomEvent.Kind", 5 + 5 + 16, 8 },
    };

    private static Message BadByteSubject(string name) => name[..name.IndexOf('.', StringComparison.Ordinal)] switch
    {
        "Welcome" => new Welcome(1, "ann", Token, true, "srv", "async", 30, "motd"),
        "RoomMessage" => new RoomMessage("#ab", 1, 2, "bob", MessageKind.Action, "hi", true),
        "RoomEvent" => new RoomEvent("#ab", 1, 2, RoomEventKind.Away, "bob", "x", true),
        "SendMessage" => new SendMessage("#ab", MessageKind.Action, "hi"),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(BadBytes))]
    public void A_bad_bool_or_enum_value_is_malformed(string field, int offset, byte value)
    {
        var frame = FrameEncoder.ToArray(BadByteSubject(field));
        int at = offset < 0 ? frame.Length + offset : offset;
        // The chosen byte holds the field's valid value (1 for true/Action/Away) before the edit.
        Assert.True(frame[at] is 1 or 6, $"offset {at} holds {frame[at]}");
        frame[at] = value;
        Assert.Equal(ErrorCode.MalformedFrame, DecodeFails(frame).Code);
    }

    [Fact]
    public void A_list_count_larger_than_the_items_present_is_malformed()
    {
        var frame = FrameEncoder.ToArray(new RoomList(new[] { new RoomInfo("#a", 1, "") }));
        Assert.Equal(1, frame[6]);
        frame[6] = 2;
        Assert.Equal(ErrorCode.MalformedFrame, DecodeFails(frame).Code);
        // A count that claims more than the frame could ever hold is refused before any item is read.
        frame[5] = 0xFF;
        Assert.Equal(ErrorCode.MalformedFrame, DecodeFails(frame).Code);
    }

    [Fact]
    public void A_resume_with_more_cursors_than_allowed_is_malformed()
    {
        var cursors = Enumerable.Range(0, ProtocolLimits.MaxResumeCursors).Select(i => new RoomCursor("#r" + i, 1)).ToArray();
        var allowed = new Hello(1, "ann", Token, cursors);
        var frame = FrameEncoder.ToArray(allowed);
        Assert.Equal(allowed, DecodeOne(frame));

        // The encoder refuses a 65th cursor, so build that frame by hand: bump the count, append one.
        var cursor = FrameEncoder.ToArray(new Hello(1, "ann", Token, new[] { new RoomCursor("#x", 1) }))[^12..];
        var body = frame.AsSpan(4).ToArray();
        int countAt = 1 + 4 + 2 + 2 + 3 + 16;
        Assert.Equal(ProtocolLimits.MaxResumeCursors, body[countAt] << 8 | body[countAt + 1]);
        body[countAt + 1]++;
        Assert.Equal(ErrorCode.MalformedFrame, DecodeFails(Reframe([.. body, .. cursor])).Code);
        Assert.Throws<ArgumentException>(() => FrameEncoder.ToArray(new Hello(1, "ann", Token, cursors.Append(new RoomCursor("#x", 1)).ToArray())));
    }

    [Theory]
    [MemberData(nameof(StringFieldNames))]
    public void The_encoder_refuses_a_string_over_its_field_limit_instead_of_sending_a_frame_the_peer_rejects(string field)
    {
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        Assert.Throws<ArgumentException>(() => FrameEncoder.Write(writer, StringFields[field](new string('x', ProtocolLimits.MaxTextBytes + 1))));
        Assert.Equal(0, writer.WrittenCount);
    }

    [Theory]
    [InlineData(0, (byte)'X')]
    [InlineData(3, (byte)'t')]
    [InlineData(4, 0x7F)]
    [InlineData(5, 3)]
    [InlineData(5, 0)]
    public void A_hello_with_bad_magic_or_version_is_a_bad_handshake(int payloadOffset, byte value)
    {
        var frame = FrameEncoder.ToArray(new Hello(ProtocolLimits.Version, "ann", ResumeToken.None, Array.Empty<RoomCursor>()));
        Assert.Equal("TCHT"u8.ToArray(), frame[5..9]);
        frame[5 + payloadOffset] = value;
        Assert.Equal(ErrorCode.BadHandshake, DecodeFails(frame).Code);
    }

    [Fact]
    public void Error_codes_unknown_to_this_version_still_decode()
    {
        // New codes may be added; a receiver shows the text rather than failing the connection.
        var error = new Error((ErrorCode)999, "from the future");
        Assert.Equal(error, DecodeOne(FrameEncoder.ToArray(error)));
    }

    [Fact]
    public void Every_protocol_exception_carries_a_message()
    {
        var ex = DecodeFails(Frame(0x7F));
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
        Assert.Contains("0x7f", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Members_of_message_records_match_the_constructor_so_equality_covers_the_wire()
    {
        // Guards the round-trip tests: a record property outside the constructor would escape comparison.
        foreach (var type in typeof(Message).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Message)) && !t.IsAbstract))
        {
            var parameters = type.GetConstructors().Single().GetParameters().Select(p => p.Name).Order();
            var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.Name != nameof(Message.Type) && p.CanWrite).Select(p => p.Name).Order();
            Assert.Equal(parameters, properties);
        }
    }
}
