using System.Buffers;
using System.Text;
using TermChat.LoadGen.Targets;

namespace TermChat.LoadGen.Tests;

/// <summary>Feeds a scanner the way a receive loop does: chunks appended to a buffer, unconsumed bytes kept.</summary>
internal static class ScannerHarness
{
    public static (List<string> Texts, string Replies) Feed(IStreamScanner scanner, byte[] stream, params int[] cuts)
    {
        var sink = new CollectingSink();
        var replies = new ArrayBufferWriter<byte>();
        var pending = new List<byte>();
        int from = 0;
        foreach (int cut in cuts.Append(stream.Length))
        {
            pending.AddRange(stream[from..cut]);
            from = cut;
            int used = scanner.Scan(pending.ToArray(), sink, replies);
            pending.RemoveRange(0, used);
        }
        Assert.Empty(pending);
        return (sink.Texts, Encoding.ASCII.GetString(replies.WrittenSpan));
    }

    /// <summary>Every split of the stream into two reads gives the same result as one read.</summary>
    public static void SplitsDoNotMatter(Func<IStreamScanner> scanner, byte[] stream)
    {
        var whole = Feed(scanner(), stream);
        for (int cut = 0; cut <= stream.Length; cut++)
        {
            var split = Feed(scanner(), stream, cut);
            Assert.Equal(whole.Texts, split.Texts);
            Assert.Equal(whole.Replies, split.Replies);
        }
    }
}
