using System.Text;
using TermChat.LoadGen.Targets;

namespace TermChat.LoadGen.Tests;

public class TextProtocolTargetTests
{
    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private static string Written(BenchTarget target, string text)
    {
        var buffer = new byte[target.MaxMessageBytes(text.Length)];
        return Encoding.ASCII.GetString(buffer, 0, target.WriteMessage(buffer, Ascii(text)));
    }

    [Fact]
    public void Messages_are_framed_as_each_protocol_expects()
    {
        Assert.Equal(
            ("PRIVMSG #bench :Babc\r\n", "PUB bench 4\r\nBabc\r\n", "Babc\n", "Babc\n"),
            (Written(new IrcTarget(), "Babc"), Written(new NatsTarget(), "Babc"), Written(new LineRelayTarget(), "Babc"), Written(new EchoTarget(), "Babc")));
    }

    [Fact]
    public void Irc_privmsg_trailing_parameters_are_reported_and_pings_answered()
    {
        string stream =
            ":irc.local 001 s0 :Welcome to the network\r\n" +
            ":p0!~p0@127.0.0.1 PRIVMSG #bench :Bfirst\r\n" +
            "PING :irc.local\r\n" +
            ":p0!~p0@localhost PRIVMSG #bench :two words\n" +
            ":p0!~p0@localhost NOTICE #bench :not a message\r\n";
        var (texts, replies) = ScannerHarness.Feed(new IrcLineScanner(), Ascii(stream));
        Assert.Equal(["Bfirst", "two words"], texts);
        Assert.Equal("PONG :irc.local\r\n", replies);
        ScannerHarness.SplitsDoNotMatter(() => new IrcLineScanner(), Ascii(stream));
    }

    [Fact]
    public void Irc_error_lines_are_remembered_and_numerics_parsed()
    {
        var scanner = new IrcLineScanner();
        ScannerHarness.Feed(scanner, Ascii("ERROR :Closing Link: s0 (SendQ exceeded)\r\n"));
        Assert.Equal(("ERROR :Closing Link: s0 (SendQ exceeded)", "366", ""),
            (scanner.LastError, IrcTarget.Numeric(":irc 366 s0 #bench :End of /NAMES list."), IrcTarget.Numeric("PING :x")));
    }

    [Fact]
    public void Nats_payloads_are_reported_with_or_without_a_reply_subject_and_pings_answered()
    {
        string stream =
            "INFO {\"server_id\":\"x\"}\r\n" +
            "MSG bench 1 6\r\nBfirst\r\n" +
            "PING\r\n" +
            "MSG bench 1 _INBOX.abc 10\r\nwith\r\ncrlf\r\n" +
            "+OK\r\n" +
            "MSG bench 1 0\r\n\r\n";
        var (texts, replies) = ScannerHarness.Feed(new NatsScanner(), Ascii(stream));
        Assert.Equal(["Bfirst", "with\r\ncrlf", ""], texts);
        Assert.Equal("PONG\r\n", replies);
        ScannerHarness.SplitsDoNotMatter(() => new NatsScanner(), Ascii(stream));
    }

    [Fact]
    public void Nats_errors_are_remembered()
    {
        var scanner = new NatsScanner();
        ScannerHarness.Feed(scanner, Ascii("-ERR 'Slow Consumer'\r\n"));
        Assert.Equal("-ERR 'Slow Consumer'", scanner.LastError);
    }

    [Fact]
    public void Relay_lines_report_their_last_word_so_a_user_prefix_does_not_matter()
    {
        string stream = "<user5> Bone\r\nBtwo\n<announce> 127.0.0.1 is connected as <user6>.\n";
        var (texts, _) = ScannerHarness.Feed(new LastWordScanner(), Ascii(stream));
        Assert.Equal(["Bone", "Btwo", "<user6>."], texts);
        ScannerHarness.SplitsDoNotMatter(() => new LastWordScanner(), Ascii(stream));
    }
}
