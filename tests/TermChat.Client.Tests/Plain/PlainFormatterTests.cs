using System.Text.Json;
using TermChat.Client.App;
using TermChat.Client.Plain;

namespace TermChat.Client.Tests.Plain;

public sealed class PlainFormatterTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 22, 12, 1, 33, 250, TimeSpan.Zero);
    private readonly PlainFormatter _text = new(json: false, TimeZoneInfo.Utc);
    private readonly PlainFormatter _json = new(json: true, TimeZoneInfo.Utc);

    public static TheoryData<ChatEntry, string> TextCases => new()
    {
        { new ChatEntry(1, EntryKind.Message, Noon, "#lobby", "alice", "hello") { Seq = 4 }, "[12:01:33] #lobby <alice> hello" },
        { new ChatEntry(1, EntryKind.Action, Noon, "#lobby", "bob", "waves"), "[12:01:33] #lobby * bob waves" },
        { new ChatEntry(1, EntryKind.Join, Noon, "#lobby", "carol", "carol joined #lobby"), "[12:01:33] #lobby -!- carol joined #lobby" },
        { new ChatEntry(1, EntryKind.Private, Noon, "bob", "bob", "psst") { To = "alice" }, "[12:01:33] *bob* psst" },
        { new ChatEntry(1, EntryKind.Private, Noon, "bob", "alice", "hi") { To = "bob", IsOwn = true }, "[12:01:33] -> *bob* hi" },
        { new ChatEntry(1, EntryKind.Error, Noon, null, null, "no such nick: zed"), "[12:01:33] !!! error: no such nick: zed" },
        { new ChatEntry(1, EntryKind.Message, Noon, "#lobby", "eve", "\u001b[2Jgotcha\u0007\nline two"), "[12:01:33] #lobby <eve> gotcha \u23ce line two" },
    };

    [Theory]
    [MemberData(nameof(TextCases))]
    public void Text_lines_are_one_readable_line_per_event(ChatEntry entry, string expected) =>
        Assert.Equal(expected, _text.Format(entry));

    [Fact]
    public void Json_lines_carry_type_room_from_text_seq_and_iso_time()
    {
        var entry = new ChatEntry(1, EntryKind.Message, Noon, "#lobby", "alice", "hé \"quoted\" \u001b[31mred") { Seq = 42, IsMention = true };

        string line = _json.Format(entry);

        Assert.Equal("""{"type":"message","time":"2026-11-22T12:01:33.250Z","room":"#lobby","from":"alice","text":"hé \"quoted\" red","seq":42,"mention":true}""", line);
        Assert.DoesNotContain('\n', line);
    }

    [Fact]
    public void Json_lines_for_events_without_room_or_sender_have_nulls()
    {
        var entry = new ChatEntry(1, EntryKind.Status, Noon, null, null, "reconnecting") { Detail = "reconnecting" };

        using var document = JsonDocument.Parse(_json.Format(entry));

        var root = document.RootElement;
        Assert.Equal(
            ("status", JsonValueKind.Null, JsonValueKind.Null, JsonValueKind.Null, "reconnecting"),
            (root.GetProperty("type").GetString(), root.GetProperty("room").ValueKind, root.GetProperty("from").ValueKind, root.GetProperty("seq").ValueKind, root.GetProperty("detail").GetString()));
    }

    [Fact]
    public void Only_text_mode_errors_go_to_the_error_stream()
    {
        var error = new ChatEntry(1, EntryKind.Error, Noon, null, null, "x");

        Assert.Equal((true, false), (_text.IsError(error), _json.IsError(error)));
    }
}
