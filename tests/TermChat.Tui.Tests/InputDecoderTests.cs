using FsCheck;
using FsCheck.Fluent;
using System.Text;
using TermChat.Tui.Input;

namespace TermChat.Tui.Tests;

public class InputDecoderTests
{
    private const string MixedInput =
        "a你😀\u0001\e[A\e[1;5C\eOH\e[3~\e[5~\e[200~line1\r\nline2 你\e[201~\ex\u007F\u0008\r\t\e[Z\e[F\e[4~\e[99;9q\xC3";

    private static List<TerminalEvent> DecodeAll(IEnumerable<byte[]> chunks)
    {
        var decoder = new InputDecoder();
        var events = new List<TerminalEvent>();
        foreach (var chunk in chunks)
        {
            events.AddRange(decoder.Feed(chunk));
        }

        events.AddRange(decoder.Flush());
        return events;
    }

    private static List<TerminalEvent> Decode(string text) => DecodeAll([Encoding.UTF8.GetBytes(text)]);

    [Fact]
    public void Mixed_input_decodes_to_the_expected_events()
    {
        var events = Decode(MixedInput);
        TerminalEvent[] expected =
        [
            KeyEvent.Char("a"), KeyEvent.Char("你"), KeyEvent.Char("😀"), KeyEvent.Ctrl('a'),
            new KeyEvent(KeyCode.Up), new KeyEvent(KeyCode.Right, KeyModifiers.Control), new KeyEvent(KeyCode.Home),
            new KeyEvent(KeyCode.Delete), new KeyEvent(KeyCode.PageUp), new PasteEvent("line1\nline2 你"),
            KeyEvent.Char("x", KeyModifiers.Alt), new KeyEvent(KeyCode.Backspace), new KeyEvent(KeyCode.Backspace),
            new KeyEvent(KeyCode.Enter), new KeyEvent(KeyCode.Tab), new KeyEvent(KeyCode.BackTab), new KeyEvent(KeyCode.End),
            new KeyEvent(KeyCode.End), KeyEvent.Char("Ã"),
        ];
        Assert.Equal(expected, events);
    }

    [Fact]
    public void Splitting_input_at_every_byte_boundary_gives_identical_events()
    {
        var bytes = Encoding.UTF8.GetBytes(MixedInput);
        var whole = DecodeAll([bytes]);
        for (var split = 1; split < bytes.Length; split++)
        {
            Assert.Equal(whole, DecodeAll([bytes[..split], bytes[split..]]));
        }

        Assert.Equal(whole, DecodeAll(bytes.Select(b => new[] { b })));
    }

    [Fact]
    public void Bracketed_paste_across_reads_is_one_event()
    {
        var decoder = new InputDecoder();
        Assert.Empty(decoder.Feed("\e[20"u8));
        Assert.Empty(decoder.Feed("0~hello\nwor"u8));
        Assert.Empty(decoder.Flush());
        Assert.Empty(decoder.Feed("ld\e[20"u8));
        Assert.Equal([new PasteEvent("hello\nworld"), KeyEvent.Char("z")], decoder.Feed("1~z"u8));
    }

    [Fact]
    public void Lone_escape_waits_for_the_timeout_flush()
    {
        var decoder = new InputDecoder();
        Assert.Empty(decoder.Feed("\e"u8));
        Assert.True(decoder.HasPending);
        Assert.Equal([new KeyEvent(KeyCode.Escape)], decoder.Flush());
        Assert.False(decoder.HasPending);
    }

    [Fact]
    public void Invalid_utf8_becomes_replacement_characters()
    {
        var events = DecodeAll([[0xFF, (byte)'a', 0xE4, 0xBD, (byte)'b', 0x80]]);
        Assert.Equal([KeyEvent.Char("\uFFFD"), KeyEvent.Char("a"), KeyEvent.Char("\uFFFD"), KeyEvent.Char("b"), KeyEvent.Char("\uFFFD")], events);
    }

    [Fact]
    public void Unknown_sequences_are_swallowed()
    {
        Assert.Equal([KeyEvent.Char("a"), KeyEvent.Char("b")], Decode("a\e[?1;2c\e[<0;1;1M\eOzb"));
    }

    [Theory]
    [InlineData("\e[1~", KeyCode.Home)]
    [InlineData("\e[7~", KeyCode.Home)]
    [InlineData("\e[H", KeyCode.Home)]
    [InlineData("\e[8~", KeyCode.End)]
    [InlineData("\eOF", KeyCode.End)]
    [InlineData("\e[6~", KeyCode.PageDown)]
    [InlineData("\e[2~", KeyCode.Insert)]
    [InlineData("\e[B", KeyCode.Down)]
    [InlineData("\e[D", KeyCode.Left)]
    [InlineData("\eOP", KeyCode.F1)]
    [InlineData("\e[24~", KeyCode.F12)]
    [InlineData("\n", KeyCode.Enter)]
    public void Special_keys_are_recognised(string input, KeyCode code) =>
        Assert.Equal([new KeyEvent(code)], Decode(input));

    [Fact]
    public void Modifier_parameters_are_decoded() =>
        Assert.Equal([new KeyEvent(KeyCode.Left, KeyModifiers.Control | KeyModifiers.Shift), new KeyEvent(KeyCode.Delete, KeyModifiers.Alt)], Decode("\e[1;6D\e[3;3~"));

    [Fact]
    public void Random_bytes_never_throw_and_are_split_invariant()
    {
        Prop.ForAll<byte[], int>((bytes, at) =>
        {
            bytes ??= [];
            var split = bytes.Length == 0 ? 0 : Math.Abs(at % bytes.Length);
            return DecodeAll([bytes]).SequenceEqual(DecodeAll([bytes[..split], bytes[split..]]));
        }).QuickCheckThrowOnFailure();
    }
}
