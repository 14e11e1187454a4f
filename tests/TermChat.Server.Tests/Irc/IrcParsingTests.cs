using System.Text;
using TermChat.Server.Connections;
using TermChat.Server.Irc;
using TermChat.Server.Lines;

namespace TermChat.Server.Tests.Irc;

/// <summary>The pure pieces of the IRC front end: parsing lines, building and splitting them, reading lines off bytes.</summary>
public sealed class IrcParsingTests
{
    [Theory]
    [InlineData("PRIVMSG #lobby :hello there", "PRIVMSG", new[] { "#lobby", "hello there" })]
    [InlineData("@+typing=active;label=1 :nick!u@h privmsg #a,#b ::-) x", "PRIVMSG", new[] { "#a,#b", ":-) x" })]
    [InlineData("  NICK   alice  ", "NICK", new[] { "alice" })]
    [InlineData("TOPIC #dev :", "TOPIC", new[] { "#dev", "" })]
    [InlineData("A 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16", "A", new[] { "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15 16" })]
    public void A_line_parses_into_its_command_and_parameters(string line, string command, string[] parameters)
    {
        Assert.True(IrcMessage.TryParse(line, out var message));
        Assert.Equal(command, message.Command);
        Assert.Equal(parameters, message.Params);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("@tags-only")]
    [InlineData(":prefix-only")]
    public void A_line_without_a_command_is_not_a_message(string line) => Assert.False(IrcMessage.TryParse(line, out _));

    [Fact]
    public void A_built_line_writes_text_as_trailing_and_words_bare()
    {
        Assert.Equal(":a!a@h PRIVMSG #r :hi\r\n", IrcText.Line("", "a!a@h", "PRIVMSG", "#r", "hi"));
        Assert.Equal("@time=x :a!a@h JOIN #r\r\n", IrcText.Line("time=x", "a!a@h", "JOIN", "#r"));
        Assert.Equal(":s 324 n #r +n\r\n", IrcText.Line("", "s", "324", "n", "#r", "+n"));
        Assert.Equal(":s 366 n #r :End\r\n", IrcText.Line("", "s", "366", "n", "#r", "End"));
    }

    [Fact]
    public void Splitting_cuts_on_character_boundaries_prefers_spaces_and_makes_a_piece_per_line()
    {
        Assert.Equal(["one", "two"], IrcText.Split("one\r\ntwo\n", 100));
        var pieces = IrcText.Split("aaaa bbbb cccc", 16);
        Assert.Equal(["aaaa bbbb cccc"], pieces);
        pieces = IrcText.Split("word " + new string('x', 30) + " end", 20);
        Assert.All(pieces, piece => Assert.InRange(Encoding.UTF8.GetByteCount(piece), 1, 20));
        Assert.Equal("word " + new string('x', 30) + " end", string.Concat(pieces));
        var emoji = IrcText.Split(string.Concat(Enumerable.Repeat("😀é", 20)), 17);
        Assert.All(emoji, piece => Assert.InRange(Encoding.UTF8.GetByteCount(piece), 1, 17));
        Assert.All(emoji, piece => Assert.False(char.IsHighSurrogate(piece[^1])));
    }

    [Fact]
    public void A_ctcp_action_is_recognised_with_or_without_its_closing_byte()
    {
        Assert.True(IrcText.TryAction("\u0001ACTION waves\u0001", out string action));
        Assert.Equal("waves", action);
        Assert.True(IrcText.TryAction("\u0001ACTION waves", out action));
        Assert.Equal("waves", action);
        Assert.False(IrcText.TryAction("\u0001VERSION\u0001", out _));
        Assert.False(IrcText.TryAction("plain", out _));
    }

    [Fact]
    public void Lines_split_across_reads_come_out_whole_and_every_line_ending_counts()
    {
        var reader = new LineReader(64);
        using var buffer = new ReceiveBuffer();
        var lines = new List<string>();
        foreach (string piece in new[] { "NI", "CK a\r", "\nUSER b\nPI", "NG c\rPONG d\r\n" })
        {
            Add(buffer, Encoding.UTF8.GetBytes(piece));
            while (reader.TryRead(buffer, out string line, out _) == LineResult.Line) lines.Add(line);
        }
        Assert.Equal(["NICK a", "USER b", "PING c", "PONG d"], lines);
    }

    [Fact]
    public void A_line_past_the_limit_is_dropped_once_however_it_arrives()
    {
        var reader = new LineReader(8);
        using var buffer = new ReceiveBuffer();
        var results = new List<string>();
        foreach (string piece in new[] { "0123456789", "abcdef", "ghi\nok\n", "0123456789abc\nfine\n" })
        {
            Add(buffer, Encoding.UTF8.GetBytes(piece));
            LineResult result;
            while ((result = reader.TryRead(buffer, out string line, out _)) != LineResult.NeedMore)
            {
                results.Add(result == LineResult.Line ? line : "<too long>");
            }
        }
        Assert.Equal(["<too long>", "ok", "<too long>", "fine"], results);
    }

    private static void Add(ReceiveBuffer buffer, byte[] bytes)
    {
        bytes.CopyTo(buffer.GetMemory().Span);
        buffer.Advance(bytes.Length);
    }
}
