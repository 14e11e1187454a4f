using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using TermChat.Protocol.Security;

namespace TermChat.Cli.Tests.EndToEnd;

/// <summary>
/// A real IRC client nobody here wrote: irssi, in tmux, on `termchat serve --irc-port`, chatting with a TermChat plain
/// client and a full-screen client in their own tmux sessions; and two more irssis over TLS, logging in with SASL
/// EXTERNAL (a client certificate) and PLAIN (the server password).
/// </summary>
public sealed class IrssiEndToEndTests : IAsyncLifetime
{
    private readonly Tmux _tmux = new();
    private readonly string _home = Path.Combine(Path.GetTempPath(), $"termchat-irssi-{Guid.NewGuid():N}");
    private Process? _server;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        _tmux.Dispose();
        if (_server is not null) TermChatBinary.Stop(_server);
        if (Directory.Exists(_home)) Directory.Delete(_home, recursive: true);
        return Task.CompletedTask;
    }

    private static bool Has(string[] screen, string text) => screen.Any(line => line.Contains(text, StringComparison.Ordinal));

    private void Say(string session, string text)
    {
        _tmux.Type(session, text);
        _tmux.Keys(session, "Enter");
    }

    [ProgramFact("tmux", "irssi")]
    public async Task Irssi_chats_with_termchat_users_with_history_actions_topic_names_away_and_quit()
    {
        int ircPort = TermChatBinary.ClosedLoopbackPort();
        (_server, int port) = await TermChatBinary.StartServerAsync("--ephemeral", "--no-discovery", "--name", "e2e", "--irc-port", ircPort.ToString(CultureInfo.InvariantCulture));
        string address = $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";

        // bob, a plain client, talks before irssi comes: that is the history irssi is owed.
        _tmux.NewSession("bob", 100, 30, TermChatBinary.CommandLine($"join {address} --nick bob --plain") + "; exec sleep 600");
        await _tmux.WaitForAsync("bob", s => Has(s, "you joined #lobby"), "bob in #lobby");
        Say("bob", "said before irc came");
        await _tmux.WaitForAsync("bob", s => Has(s, "<bob> said before irc came"), "bob's own line");
        _tmux.NewSession("carol", 80, 24, TermChatBinary.CommandLine($"join {address} --nick carol") + "; exec sleep 600");
        await _tmux.WaitForAsync("carol", s => s.Length == 24 && s[22].Contains("│ #lobby │ connected", StringComparison.Ordinal), "carol's status bar");

        // irssi with a private home: no user config, no scripts.
        Directory.CreateDirectory(_home);
        File.WriteAllText(Path.Combine(_home, "config"),
            "settings = { core = { real_name = \"Irc User\"; user_name = \"ircnick\"; nick = \"ircnick\"; }; };\n");
        _tmux.NewSession("irssi", 100, 30, $"irssi --home='{_home}' -c 127.0.0.1 -p {ircPort.ToString(CultureInfo.InvariantCulture)} -n ircnick; exec sleep 600");
        await _tmux.WaitForAsync("irssi", s => Has(s, "Welcome to TermChat on e2e.termchat"), "irssi registered", TimeSpan.FromSeconds(30));
        Say("irssi", "/window goto #lobby");
        var lobby = await _tmux.WaitForAsync("irssi", s => Has(s, "said before irc came") && Has(s, "[2:"), "the history in irssi's #lobby window");
        Assert.True(Has(lobby, "< bob> said before irc came"), string.Join("\n", lobby));
        await _tmux.WaitForAsync("bob", s => Has(s, "ircnick joined #lobby"), "irssi's join at bob");

        // Messages and actions, both ways, with both TermChat clients.
        Say("irssi", "hello from irssi");
        await _tmux.WaitForAsync("bob", s => Has(s, "<ircnick> hello from irssi"), "irssi's line at bob");
        await _tmux.WaitForAsync("carol", s => Has(s, "<ircnick> hello from irssi"), "irssi's line at carol");
        Say("bob", "hi irssi");
        Say("carol", "hi from the full screen");
        await _tmux.WaitForAsync("irssi", s => Has(s, "< bob> hi irssi") && Has(s, "< carol> hi from the full screen"), "bob's and carol's lines in irssi");
        Say("irssi", "/me waves");
        await _tmux.WaitForAsync("bob", s => Has(s, "* ircnick waves"), "irssi's /me at bob");
        Say("bob", "/me nods");
        await _tmux.WaitForAsync("irssi", s => Has(s, " * bob nods"), "bob's /me in irssi");

        // The topic, both ways.
        Say("irssi", "/topic set from irssi");
        await _tmux.WaitForAsync("bob", s => Has(s, "ircnick set the topic: set from irssi"), "irssi's topic at bob");
        Say("bob", "/topic set from termchat");
        await _tmux.WaitForAsync("irssi", s => Has(s, "bob changed the topic of #lobby to: set from termchat"), "bob's topic in irssi");

        // Names: irssi lists the TermChat users.
        Say("irssi", "/names");
        await _tmux.WaitForAsync("irssi", s => Has(s, "[ bob]") && Has(s, "[ carol]") && Has(s, "Total of 3 nicks"), "the names in irssi");

        // Away, both ways: bob sees irssi's away; irssi's WHOIS shows bob's.
        Say("irssi", "/away lunch");
        await _tmux.WaitForAsync("bob", s => Has(s, "ircnick is away: lunch"), "irssi's away at bob");
        Say("bob", "/away brb");
        await _tmux.WaitForAsync("bob", s => Has(s, "bob is away: brb"), "bob's away at bob");
        Say("irssi", "/whois bob");
        Say("irssi", "/window 1");
        await _tmux.WaitForAsync("irssi", s => Has(s, "brb") && Has(s, "End of WHOIS"), "bob's away in irssi's WHOIS");
        Say("irssi", "/window goto #lobby");

        // Quit, both ways.
        Say("bob", "/quit");
        await _tmux.WaitForAsync("irssi", s => Has(s, "bob [bob@termchat] has quit"), "bob's quit in irssi");
        Say("irssi", "/quit see you");
        await _tmux.WaitForAsync("carol", s => Has(s, "ircnick quit (Quit: see you)"), "irssi's quit at carol");
    }

    [ProgramFact("tmux", "irssi")]
    public async Task Irssi_connects_with_tls_and_logs_in_with_sasl_external_and_plain()
    {
        int ircPort = TermChatBinary.ClosedLoopbackPort();
        string ircPortText = ircPort.ToString(CultureInfo.InvariantCulture);
        (_server, int port) = await TermChatBinary.StartServerAsync("--ephemeral", "--no-discovery", "--name", "e2e", "--irc-port", ircPortText,
            "--password", "opensesame");
        Directory.CreateDirectory(_home);

        // The keyed user's certificate and key, in one PEM file as irssi's tls_cert takes them.
        using var key = KeyFile.CreateEphemeral();
        string pem = Path.Combine(_home, "keyed.pem");
        File.WriteAllText(pem, key.ExportCertificatePem() + "\n" + key.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem() + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(pem, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        // keyed: TLS with a certificate, SASL EXTERNAL, and the server password with PASS (EXTERNAL proves the key only).
        StartIrssi("keyed", "sasl_mechanism = \"EXTERNAL\";",
            $"password = \"opensesame\"; use_tls = \"yes\"; tls_verify = \"no\"; tls_cert = \"{pem}\";", ircPortText);
        var keyed = await _tmux.WaitForAsync("keyed", s => Has(s, "Welcome to TermChat on e2e.termchat"), "keyed registered", TimeSpan.FromSeconds(30));
        Assert.True(Has(keyed, "SASL authentication succeeded"), string.Join("\n", keyed));
        // irssi wraps the long line; the fingerprint's start is enough to know which key the server saw.
        Assert.True(Has(keyed, KeyFingerprint.Of(key)[..30]), string.Join("\n", keyed));

        // plainer: TLS without a certificate, SASL PLAIN with the server password instead of PASS.
        StartIrssi("plainer", "sasl_mechanism = \"PLAIN\"; sasl_username = \"plainer\"; sasl_password = \"opensesame\";",
            "use_tls = \"yes\"; tls_verify = \"no\";", ircPortText);
        var plainer = await _tmux.WaitForAsync("plainer", s => Has(s, "Welcome to TermChat on e2e.termchat"), "plainer registered", TimeSpan.FromSeconds(30));
        Assert.True(Has(plainer, "You are now logged in as plainer") && Has(plainer, "SASL authentication succeeded"), string.Join("\n", plainer));
        Assert.True(Has(plainer, "Protocol: TLSv1.3"), string.Join("\n", plainer));

        // A TermChat user and both irssis talk in #lobby.
        string address = $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        _tmux.NewSession("bob", 100, 30, TermChatBinary.CommandLine($"join {address} --nick bob --plain --password opensesame") + "; exec sleep 600");
        await _tmux.WaitForAsync("bob", s => Has(s, "you joined #lobby"), "bob in #lobby");
        Say("keyed", "/window goto #lobby");
        Say("plainer", "/window goto #lobby");
        await _tmux.WaitForAsync("keyed", s => Has(s, "bob [bob@termchat] has joined #lobby"), "bob's join at keyed");
        Say("keyed", "signed by my key");
        await _tmux.WaitForAsync("plainer", s => Has(s, "< keyed> signed by my key"), "keyed's line at plainer");
        await _tmux.WaitForAsync("bob", s => Has(s, "<keyed> signed by my key"), "keyed's line at bob");
        Say("bob", "hello both");
        await _tmux.WaitForAsync("keyed", s => Has(s, "< bob> hello both"), "bob's line at keyed");
        await _tmux.WaitForAsync("plainer", s => Has(s, "< bob> hello both"), "bob's line at plainer");
    }

    /// <summary>irssi in tmux session <paramref name="nick"/>, with its own home: one chatnet and one autoconnecting server.</summary>
    private void StartIrssi(string nick, string chatnet, string server, string port)
    {
        string home = Path.Combine(_home, nick);
        Directory.CreateDirectory(home);
        File.WriteAllText(Path.Combine(home, "config"),
            $"settings = {{ core = {{ real_name = \"{nick}\"; user_name = \"{nick}\"; nick = \"{nick}\"; }}; }};\n" +
            $"chatnets = {{ tc = {{ type = \"IRC\"; {chatnet} }}; }};\n" +
            $"servers = ( {{ address = \"127.0.0.1\"; chatnet = \"tc\"; port = \"{port}\"; autoconnect = \"yes\"; {server} }} );\n");
        _tmux.NewSession(nick, 120, 30, $"irssi --home='{home}'; exec sleep 600");
    }
}
