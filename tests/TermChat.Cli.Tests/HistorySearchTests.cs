using System.Net;
using System.Text.Json.Nodes;
using TermChat.Protocol;
using TermChat.Protocol.Messages;
using TermChat.TestKit.Server;

namespace TermChat.Cli.Tests;

/// <summary>`termchat history search` against the data file of a running `termchat serve`, both real processes.</summary>
public sealed class HistorySearchTests
{

    [Fact]
    public async Task Search_finds_stored_messages_beside_the_running_server_newest_first_and_shows_them_sanitized()
    {
        using var directory = new TempDirectory();
        string data = Path.Combine(directory.Path, "chat.db");
        using var server = ServerProcess.Start("serve", "--port", "0", "--bind", "127.0.0.1", "--stats-interval", "0", "--data", data);
        int port = await server.WaitForPortAsync();
        Assert.Contains($"History: {data}", server.Output, StringComparison.Ordinal);
        await using (var ann = await TestChatClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), "ann"))
        {
            await ann.SendAsync(new JoinRoom("#dev"));
            foreach (var (room, text) in new[] { ("#lobby", "the release is friday"), ("#dev", "release notes drafted"), ("#dev", "lunch?"), ("#dev", "release \u001b]0;pwned\u0007 done") })
            {
                await ann.SendAsync(new SendMessage(room, MessageKind.Say, text));
                // The echo means the entry is committed to the file.
                await ann.ExpectAsync(m => m is RoomMessage { Replay: false } echo && echo.Text == text);
            }
        }

        var (code, lines, _) = await TermchatProcess.RunAsync(["history", "search", "release", "--data", data, "--room", "dev"]);

        Assert.Equal(0, code);
        Assert.Equal(2, lines.Length);
        // The title-setting escape sequence is dropped whole, not passed to the terminal.
        Assert.EndsWith("<ann> release  done", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', lines[0]);
        Assert.DoesNotContain('\u0007', lines[0]);
        Assert.StartsWith("#dev ", lines[1], StringComparison.Ordinal);
        Assert.EndsWith("<ann> release notes drafted", lines[1], StringComparison.Ordinal);

        var (jsonCode, json, _) = await TermchatProcess.RunAsync(["history", "search", "releas*", "friday", "--data", data, "--json"]);
        Assert.Equal(0, jsonCode);
        var match = JsonNode.Parse(Assert.Single(json))!;
        Assert.Equal(("#lobby", "ann", "the release is friday"), ((string)match["room"]!, (string)match["nick"]!, (string)match["text"]!));
    }

    [Fact]
    public async Task Query_syntax_in_the_words_is_searched_for_literally_not_obeyed()
    {
        using var directory = new TempDirectory();
        string data = Path.Combine(directory.Path, "quotes.db");
        using var server = ServerProcess.Start("serve", "--port", "0", "--bind", "127.0.0.1", "--stats-interval", "0", "--data", data);
        int port = await server.WaitForPortAsync();
        await using (var ann = await TestChatClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), "ann"))
        {
            await ann.SendAsync(new SendMessage("#lobby", MessageKind.Say, "nothing to see"));
            await ann.ExpectAsync(m => m is RoomMessage { Replay: false });
        }

        var (code, lines, errors) = await TermchatProcess.RunAsync(["history", "search", "\"nothing\" OR text: NEAR(", "--data", data]);

        Assert.Equal(0, code);
        Assert.Empty(lines);
        Assert.Equal("termchat history search: no stored message matches.", Assert.Single(errors));
    }

    [Fact]
    public async Task A_missing_data_file_is_one_line_and_exit_1()
    {
        using var directory = new TempDirectory();
        string data = Path.Combine(directory.Path, "absent.db");

        var (code, lines, errors) = await TermchatProcess.RunAsync(["history", "search", "x", "--data", data]);

        Assert.Equal(1, code);
        Assert.Empty(lines);
        Assert.Contains(data, Assert.Single(errors), StringComparison.Ordinal);
        Assert.False(File.Exists(data));
    }

    private sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("termchat-search-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
