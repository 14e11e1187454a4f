using System.Threading.Channels;
using TermChat.Client.App;
using TermChat.Client.Tests.Diagnostics;
using TermChat.Client.Views;
using TermChat.Protocol;
using TermChat.Protocol.Messages;
using Terminal.Gui.Input;
using Terminal.Gui.Views;

namespace TermChat.Client.Tests.Views;

public sealed class ChatWindowDialogTests
{
    private static (GuiHarness Harness, List<Dialog> Shown) Lobby()
    {
        var h = new GuiHarness(80, 24);
        var shown = new List<Dialog>();
        h.Window.ShowDialog = shown.Add;
        h.Join("#lobby", "", "alice", "bob");
        return (h, shown);
    }

    [Fact]
    public void F1_shows_the_keys_and_commands()
    {
        var (h, shown) = Lobby();
        using (h)
        {
            h.Key(Key.F1);
            var dialog = Assert.Single(shown);
            string text = Assert.Single(dialog.SubViews.OfType<Label>()).Text;
            Assert.Contains("Ctrl+N / Ctrl+P", text, StringComparison.Ordinal);
            Assert.Contains("/netcheck", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_stats_answer_opens_a_table_grouped_by_kind()
    {
        var (h, shown) = Lobby();
        using (h)
        {
            h.Server(new Stats("async", new ValueList<StatEntry>(System.Collections.Immutable.ImmutableArray.Create<StatEntry>(new("disconnects_timeout", 2), new("msgs_in_total", 1200), new("connections", 3), new("udp_sessions", 1)))));
            var dialog = Assert.Single(shown);
            Assert.Contains("async", dialog.Title, StringComparison.Ordinal);
            var table = Assert.Single(dialog.SubViews.OfType<TableView>()).Table!;
            Assert.Equal(["group", "counter", "value"], table.ColumnNames);
            Assert.Equal(4, table.Rows);
            Assert.Equal(["connections", "messages", "disconnect reasons", "UDP"], Enumerable.Range(0, 4).Select(r => (string)table[r, 0]).ToArray());
            Assert.Equal("1,200", table[1, 2]);
        }
    }

    [Fact]
    public void The_stats_report_groups_counters_in_a_fixed_order_and_keeps_the_servers_order_within_a_group()
    {
        var report = StatsReport.From(new Stats("select", new ValueList<StatEntry>(System.Collections.Immutable.ImmutableArray.Create<StatEntry>(
            new("sendq_peak_bytes", 1), new("connections", 2), new("mystery", 3), new("accepted_total", 4), new("bytes_in_per_s", 5), new("msgs_in_total", 6)))));
        Assert.Equal(
            ["connections/connections", "connections/accepted_total", "messages/bytes_in_per_s", "messages/msgs_in_total", "queues/sendq_peak_bytes", "other/mystery"],
            report.Rows.Select(r => $"{r.Group}/{r.Name}").ToArray());
    }

    [Fact]
    public void A_finished_netcheck_opens_a_dialog_with_the_verdict_at_the_top()
    {
        // Terminal.Gui's Init makes its main loop this thread's SynchronizationContext, and no main loop runs in the
        // harness: an await here would never resume, so this test waits by blocking.
        var server = new FakePingServer(requireHello: false);
        var (h, shown) = Lobby();
        try
        {
            // The send finishes on another thread and posts its result to the UI thread: here, the test thread.
            var posted = Channel.CreateUnbounded<Action>();
            h.Window.Post = action => posted.Writer.TryWrite(action);
            h.Type($"/netcheck 127.0.0.1:{server.Port}");
            h.Key(Key.Enter);
            posted.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult()();

            var dialog = Assert.Single(shown);
            Assert.Equal("Network check", dialog.Title);
            string[] lines = Assert.Single(dialog.SubViews.OfType<Label>()).Text.Split('\n');
            Assert.StartsWith("Verdict: ", lines[0], StringComparison.Ordinal);
            Assert.Equal("", lines[1]);
            Assert.StartsWith($"netcheck 127.0.0.1:{server.Port}", lines[2], StringComparison.Ordinal);
            Assert.Contains(lines, l => l.StartsWith("  TCP        connect ", StringComparison.Ordinal));
            Assert.DoesNotContain(lines[3..], l => l.StartsWith("Verdict: ", StringComparison.Ordinal));

            // On screen: the dialog's first row of text is the verdict, right under its title.
            var token = h.Gui.Begin(dialog);
            try
            {
                var screen = h.Draw();
                int title = Array.FindIndex(screen, l => l.Contains("Network check", StringComparison.Ordinal));
                Assert.True(title >= 0, string.Join("\n", screen));
                Assert.Contains("Verdict: ", screen[title + 1], StringComparison.Ordinal);
                Assert.Contains(screen, l => l.Contains("Close", StringComparison.Ordinal));
            }
            finally
            {
                h.Gui.End(token!);
            }
        }
        finally
        {
            h.Dispose();
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
