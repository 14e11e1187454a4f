using System.Globalization;
using TermChat.Client.App;
using TermChat.Client.Diagnostics;
using TermChat.Protocol.Text;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace TermChat.Client.Views;

// Dialogs over the chat: F1 help, /stats as a grouped table, /netcheck with its verdict at the top. Each is modal
// until closed (Esc or its button); the chat keeps receiving meanwhile.
public sealed partial class ChatWindow
{
    private StatsReport? _statsShown;
    private NetworkCheckReport? _netcheckShown;

    /// <summary>Shows a dialog modally; tests replace it to look at the dialog instead.</summary>
    public Action<Dialog> ShowDialog { get; set; }

    /// <summary>The keys and commands F1 shows.</summary>
    public static IReadOnlyList<string> HelpLines { get; } =
    [
        // At most 68 columns and 16 lines, so the dialog shows all of it, unwrapped, on an 80×24 terminal.
        "Keys",
        "  Enter        send            Tab, Shift+Tab  complete",
        "  Up / Down    input history   Ctrl+A / E      start / end of line",
        "  Ctrl+W       delete word     Ctrl+U / K      delete to start / end",
        "  Ctrl+Left/Right, Alt+B/F     word left / right",
        "  PgUp / PgDn  scroll          Home / End      oldest / newest line",
        "  Esc          newest line     wheel, Ctrl+L   scroll, redraw",
        "  Ctrl+N / Ctrl+P, Alt+Left/Right              next / previous room",
        "  Alt+1..9     room by number  Ctrl+X, Alt+A   next unread room",
        "  F2, Alt+M    member list     Ctrl+C, Ctrl+D  quit (Ctrl+D if empty)",
        "  click a room: switch to it   click a nick: private message",
        "Commands",
        "  /join #room  /part [#room]  /msg NICK TEXT  /me ACTION  /nick NEW",
        "  /topic [TEXT]  /names  /rooms  /away [REASON]  /back  /stats",
        "  /netcheck [HOST[:PORT]]  /transport tcp|udp  /clear  /help [CMD]",
        "  /search WORDS  /quit [REASON]  //text sends \"/text\"",
    ];

    private void ShowHelp() => ShowDialog(TextDialog("Help (Esc closes)", HelpLines));

    // A /stats answer or a finished /netcheck opens its dialog once, when it arrives.
    private void ShowDialogsFor(IReadOnlyList<ChatEntry> entries)
    {
        if (_app.LatestStats is { } stats && stats != _statsShown && entries.Any(e => e.Kind == EntryKind.Stats))
        {
            _statsShown = stats;
            ShowDialog(StatsDialog(stats));
        }
    }

    private void ShowNetcheckIfNew()
    {
        if (_app.LatestNetcheck is { } report && report != _netcheckShown)
        {
            _netcheckShown = report;
            // The verdict first: it is what the user asked.
            var lines = report.ToLines();
            ShowDialog(TextDialog("Network check", [lines[^1], "", .. lines.Take(lines.Count - 1)]));
        }
    }

    private static Dialog StatsDialog(StatsReport stats)
    {
        var table = new TableView
        {
            X = 0,
            Y = 0,
            Width = Dim.Fill(),
            Height = Dim.Fill(1),
            FullRowSelect = true,
            Table = new EnumerableTableSource<StatsRow>(stats.Rows, new Dictionary<string, Func<StatsRow, object>>
            {
                ["group"] = r => r.Group,
                ["counter"] = r => TextSanitizer.Sanitize(r.Name, LineBreaks.Space, TextTarget.CellGrid),
                ["value"] = r => r.Value.ToString("N0", CultureInfo.InvariantCulture),
            }),
        };
        var dialog = new Dialog { Title = $"Server stats ({TextSanitizer.Sanitize(stats.Mode, LineBreaks.Space, TextTarget.CellGrid)} mode)", Width = Dim.Percent(80), Height = Dim.Percent(80) };
        dialog.Add(table);
        dialog.AddButton(new Button { Text = "Close", IsDefault = true });
        return dialog;
    }

    private Dialog TextDialog(string title, IReadOnlyList<string> lines)
    {
        var text = new Label
        {
            X = 0,
            Y = 0,
            Width = Dim.Fill(),
            // Every line; the dialog below is sized to hold them above its button.
            Height = lines.Count,
            Text = string.Join("\n", lines.Select(l => TextSanitizer.Sanitize(l, LineBreaks.Space, TextTarget.CellGrid))),
        };
        // Tall enough for every line, the border and the button (with its shadow), as far as the terminal allows.
        var dialog = new Dialog { Title = title, Width = Dim.Percent(90), Height = Dim.Func(_ => Math.Min(lines.Count + 6, Math.Max(1, Rows - 2))) };
        dialog.Add(text);
        dialog.AddButton(new Button { Text = "Close", IsDefault = true });
        return dialog;
    }
}
