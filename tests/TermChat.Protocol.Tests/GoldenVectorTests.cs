using System.Globalization;
using System.Text.RegularExpressions;
using TermChat.Protocol.Codec;
using TermChat.Protocol.Messages;
using static TermChat.Protocol.Tests.FrameTestData;

namespace TermChat.Protocol.Tests;

/// <summary>
/// The golden vectors are read straight out of docs/PROTOCOL.md, so the document and the codec cannot
/// drift apart: each hex block must decode to the message listed here and re-encode byte for byte.
/// </summary>
public sealed partial class GoldenVectorTests
{
    private static readonly ResumeToken Token = new(0x0123456789ABCDEF, 0xFEDCBA9876543210);

    private static readonly Dictionary<string, Message> Expected = new()
    {
        ["G1"] = new Hello(1, "ann", Token, new[] { new RoomCursor("#lobby", 41), new RoomCursor("#dev", 7) }),
        ["G2"] = new Hello(1, "bob", ResumeToken.None, Array.Empty<RoomCursor>()),
        ["G3"] = new Welcome(1, "ann", Token, true, "termchat", "async", 30, "Welcome!"),
        ["G4"] = new SendMessage("#lobby", MessageKind.Say, "hello"),
        ["G5"] = new RoomMessage("#lobby", 42, 1_763_790_000_000, "bob", MessageKind.Say, "你好，世界", false),
        ["G6"] = new RoomMessage("#dev", 7, 1_763_789_000_000, "ann", MessageKind.Action, "waves 👋", true),
        ["G7"] = new RoomEvent("#lobby", 43, 1_763_790_001_000, RoomEventKind.Join, "carol", "", false),
        ["G8"] = new RoomList(new[] { new RoomInfo("#lobby", 3, "General chat"), new RoomInfo("#dev", 1, "") }),
        ["G9"] = new HistoryBegin("#lobby", 6, 43, 5),
        ["G10"] = new Error(ErrorCode.NickInUse, "Nick ann is taken."),
        ["G11"] = new Ping(0x0102030405060708),
        ["G12"] = new SearchHistory("#ops", "deploy"),
        ["G13"] = new SearchResults("#ops", "deploy", new[] { new SearchHit(4, 1_763_790_000_000, "ann", MessageKind.Say, "deploy done") }),
    };

    private sealed record Vector(string Key, string DecodesTo, byte[] Bytes);

    [GeneratedRegex(@"^#### (G\d+)\. ", RegexOptions.CultureInvariant)]
    private static partial Regex Heading();

    [GeneratedRegex(@"^Decodes to: `(.*)`$", RegexOptions.CultureInvariant)]
    private static partial Regex DecodesTo();

    private static List<Vector> ReadVectors()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot(), "docs", "PROTOCOL.md"));
        var vectors = new List<Vector>();
        for (int i = 0; i < lines.Length; i++)
        {
            var heading = Heading().Match(lines[i]);
            if (!heading.Success)
            {
                continue;
            }
            int line = i + 1;
            while (!DecodesTo().IsMatch(lines[line]))
            {
                Assert.False(lines[line].StartsWith('#'), $"{heading.Groups[1].Value} has no 'Decodes to:' line");
                line++;
            }
            string decodesTo = DecodesTo().Match(lines[line]).Groups[1].Value;
            while (lines[line] != "```hex")
            {
                line++;
            }
            var bytes = new List<byte>();
            for (line++; lines[line] != "```"; line++)
            {
                // Each line is hex bytes, then an optional "# comment".
                string hex = lines[line].Split('#')[0];
                bytes.AddRange(hex.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(b => byte.Parse(b, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
            }
            vectors.Add(new Vector(heading.Groups[1].Value, decodesTo, bytes.ToArray()));
            i = line;
        }
        return vectors;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TermChat.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("TermChat.sln not found above the test directory.");
    }

    [Fact]
    public void The_document_holds_exactly_the_golden_vectors_this_test_knows()
    {
        Assert.Equal(Expected.Keys.Order(), ReadVectors().Select(v => v.Key).Order());
    }

    [Fact]
    public void Each_golden_vector_decodes_to_its_documented_message_and_re_encodes_byte_exact()
    {
        foreach (var vector in ReadVectors())
        {
            var message = DecodeOne(vector.Bytes);
            Assert.Equal(Expected[vector.Key], message);
            Assert.Equal(vector.DecodesTo, message.ToString());
            Assert.Equal(Convert.ToHexString(vector.Bytes), Convert.ToHexString(FrameEncoder.ToArray(Expected[vector.Key])));
        }
    }
}
