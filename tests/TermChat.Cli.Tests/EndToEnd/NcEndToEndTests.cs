using System.Diagnostics;
using System.Globalization;
using System.Net;
using TermChat.Protocol;
using TermChat.Protocol.Messages;
using TermChat.TestKit.Server;

namespace TermChat.Cli.Tests.EndToEnd;

/// <summary>A real nc (netcat-openbsd) on `termchat serve --line-port`, chatting with a TermChat client.</summary>
public sealed class NcEndToEndTests : IDisposable
{
    private Process? _server;
    private Process? _nc;

    public void Dispose()
    {
        if (_nc is not null) TermChatBinary.Stop(_nc);
        if (_server is not null) TermChatBinary.Stop(_server);
    }

    [ProgramFact("nc")]
    public async Task Nc_picks_a_nick_chats_both_ways_sees_no_escape_sequences_and_quits()
    {
        int linePort = TermChatBinary.ClosedLoopbackPort();
        (_server, int port) = await TermChatBinary.StartServerAsync("--ephemeral", "--no-discovery", "--name", "e2e", "--line-port", linePort.ToString(CultureInfo.InvariantCulture));
        await using var bob = await TestChatClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), "bob");

        var info = new ProcessStartInfo("nc") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("127.0.0.1");
        info.ArgumentList.Add(linePort.ToString(CultureInfo.InvariantCulture));
        _nc = Process.Start(info)!;
        var output = new List<string>();
        async Task<string> ExpectAsync(Func<string, bool> match)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            while (await _nc.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                output.Add(line);
                if (match(line)) return line;
            }
            throw new InvalidDataException("nc ended first:\n" + string.Join("\n", output));
        }

        Assert.Equal("TermChat on e2e (line mode). Your nick?", await ExpectAsync(_ => true));
        await _nc.StandardInput.WriteAsync("ncuser\n");
        await _nc.StandardInput.FlushAsync();
        await ExpectAsync(line => line.StartsWith("-!- you joined #lobby", StringComparison.Ordinal));

        await _nc.StandardInput.WriteAsync("hello from nc\n");
        await _nc.StandardInput.FlushAsync();
        var said = (RoomMessage)await bob.ExpectAsync(m => m is RoomMessage { From: "ncuser" });
        Assert.Equal("hello from nc", said.Text);

        await bob.SendAsync(new SendMessage("#lobby", MessageKind.Say, "hi nc \u001b[31mred\u001b[0m \u001b]0;title\u0007done"));
        string heard = await ExpectAsync(line => line.Contains("<bob>", StringComparison.Ordinal));
        Assert.EndsWith("#lobby <bob> hi nc red done", heard);
        Assert.DoesNotContain(output, line => line.Any(c => char.IsControl(c)));

        await _nc.StandardInput.WriteAsync("/quit bye now\n");
        await _nc.StandardInput.FlushAsync();
        var quit = (RoomEvent)await bob.ExpectAsync(m => m is RoomEvent { Kind: RoomEventKind.Quit });
        Assert.Equal(("ncuser", "bye now"), (quit.Nick, quit.Detail));
        Assert.Equal("-!- closing: goodbye", await ExpectAsync(line => line.StartsWith("-!- closing", StringComparison.Ordinal)));
    }
}
