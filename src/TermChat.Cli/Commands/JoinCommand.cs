using System.CommandLine;
using System.Text;
using TermChat.Client.Discovery;
using TermChat.Client.Plain;
using TermChat.Client.Transports;
using TermChat.Client.Views;
using TermChat.Cli.Usage;
using TermChat.Protocol.Discovery;

namespace TermChat.Cli.Commands;

/// <summary>`termchat join HOST[:PORT]`: the chat client, full screen or plain.</summary>
internal static class JoinCommand
{
    public static Command Create()
    {
        var address = new Argument<string?>("address")
        {
            Description = "The server as HOST[:PORT] (default port 7777), e.g. 127.0.0.1, chat.lan:7000, [::1]:7777; several servers of one cluster separated by commas (host1,host2:7000) are tried in turn, now and on every reconnect. Omit it to join the server LAN discovery finds.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var plain = new Option<bool>("--plain") { Description = "No full screen: read lines from stdin, print one line per event (for scripts and pipes)." };
        var json = new Option<bool>("--json") { Description = "With --plain: print one JSON object per event." };
        var nick = new Option<string?>("--nick", "-n") { Description = "The nick to use (default: your user name): 1-24 ASCII letters, digits and _-[]{}|^`, not starting with a digit or '-'." }.Nick();
        var room = new Option<string?>("--room", "-r") { Description = "The room to join and talk to first (the server puts everyone in #lobby): '#' and 1-31 of a-z, 0-9, '_' and '-'." }.Room();
        var discoveryPort = new Option<int>("--discovery-port")
        {
            Description = "Without an address: the UDP port servers answer LAN discovery on.",
            DefaultValueFactory = _ => DiscoveryDefaults.Port,
        }.Port();
        var transport = new Option<string>("--transport", "-t") { Description = "tcp or udp.", DefaultValueFactory = _ => "tcp" };
        transport.AcceptOnlyFromAmong("tcp", "udp");
        var scrollback = ScrollbackOption();
        var theme = ThemeOption();
        var password = new Option<string?>("--password")
        {
            HelpName = "PASSWORD",
            Description = "The server's password, for a server started with --password (also read from TERMCHAT_PASSWORD, which keeps it out of the process list).",
        };

        var link = new LinkOptions();

        var command = new Command("join", "Join a chat server: full screen, or --plain for scripts (stdin lines in, one line per event out).")
        {
            address, plain, json, nick, room, transport, discoveryPort, scrollback, theme, password,
        };
        foreach (var option in link.All)
        {
            command.Options.Add(option);
        }
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            string? text = parseResult.GetValue(address);
            ChatEndpoint? endpoint;
            IReadOnlyList<ChatEndpoint> others = [];
            var discovery = new DiscoveryClientOptions { Port = parseResult.GetValue(discoveryPort) };
            if (string.IsNullOrWhiteSpace(text))
            {
                if (UsesFullScreen(parseResult.GetValue(plain), parseResult.GetValue(json)))
                {
                    // Full screen: a picker of the servers LAN discovery finds, filled in as they answer.
                    var chosen = await ServerPicker.RunAsync(
                        (found, ct) => new DiscoveryClient(discovery).DiscoverAsync(JoinDiscovery.Window, found, ct),
                        cancellationToken);
                    if (chosen is null)
                    {
                        // The terminal is restored by now.
                        Console.Error.WriteLine("termchat join: no server chosen; give the address: termchat join HOST[:PORT]");
                        return JoinDiscovery.ExitNone;
                    }
                    endpoint = new ChatEndpoint(chosen.Address.ToString(), chosen.Port);
                }
                else
                {
                    // Plain: the one server LAN discovery finds, or a clear message (none, or several to choose from).
                    (endpoint, int code) = await JoinDiscovery.FindAsync(Console.Error, discovery, cancellationToken);
                    if (endpoint is null)
                    {
                        return code;
                    }
                }
            }
            else
            {
                // host1,host2,host3: the servers of one cluster, tried in turn.
                var endpoints = new List<ChatEndpoint>();
                foreach (string part in text.Split(',', StringSplitOptions.TrimEntries))
                {
                    if (!ChatEndpoint.TryParse(part, out var parsed, out string? error))
                    {
                        throw new UsageException(part.Length == 0 ? $"{OptionRules.Quote(text)} has an empty server between commas; give HOST[:PORT],HOST[:PORT]" : error);
                    }
                    endpoints.Add(parsed);
                }
                endpoint = endpoints[0];
                others = endpoints.Skip(1).ToArray();
            }
            return await RunClientAsync(endpoint, others, parseResult.GetValue(nick), parseResult.GetValue(room), parseResult.GetValue(transport) ?? "tcp",
                parseResult.GetValue(plain), parseResult.GetValue(json), greeting: null,
                new FullScreenSettings(parseResult.GetValue(scrollback), parseResult.GetValue(theme)), link.Read(parseResult), cancellationToken,
                parseResult.GetValue(password) ?? Environment.GetEnvironmentVariable("TERMCHAT_PASSWORD") ?? "");
        });
        return command;
    }

    /// <summary>--scrollback: lines kept per room by the full-screen view.</summary>
    internal static Option<int> ScrollbackOption() => new Option<int>("--scrollback")
    {
        Description = "Full screen: lines of scrollback kept per room (older lines are dropped, so memory stays bounded).",
        DefaultValueFactory = _ => FullScreenSettings.DefaultScrollback,
    }.InRange(100, 1_000_000, "from 100 to 1000000 lines");

    /// <summary>--theme: a Terminal.Gui theme by name, checked against the themes the configuration has.</summary>
    internal static Option<string?> ThemeOption()
    {
        var option = new Option<string?>("--theme")
        {
            Description = "Full screen: the colour theme, e.g. Dark, Light, \"Amber Phosphor\" (Terminal.Gui themes; ~/.tui/config.json can add more).",
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } name && Themes.Find(name) is null)
            {
                result.AddError(Themes.UnknownTheme(name));
            }
        });
        return option;
    }

    /// <summary>True when <see cref="RunClientAsync"/> takes over the terminal with the full-screen view.</summary>
    public static bool UsesFullScreen(bool plain, bool json) => !plain && !json && !Console.IsInputRedirected && !Console.IsOutputRedirected;

    /// <summary>Runs the client; the full-screen view shows <paramref name="greeting"/> as notices in the first room.</summary>
    public static async Task<int> RunClientAsync(ChatEndpoint endpoint, IReadOnlyList<ChatEndpoint> others, string? nick, string? room, string transport, bool plain, bool json,
        IReadOnlyList<string>? greeting, FullScreenSettings view, TcpTransportOptions tcp, CancellationToken cancellationToken, string password = "")
    {
        var registry = TransportRegistry.CreateDefault(tcp);
        if (!registry.Contains(transport))
        {
            Console.Error.WriteLine($"termchat: the {transport.ToUpperInvariant()} transport is not available in this build; use --transport tcp");
            return 2;
        }
        string chosenNick = string.IsNullOrWhiteSpace(nick) ? DefaultNick() : nick;
        if (!plain && !json)
        {
            if (UsesFullScreen(plain, json))
            {
                return await ChatScreen.RunAsync(new ChatScreenOptions
                {
                    Endpoint = endpoint,
                    OtherEndpoints = others,
                    Nick = chosenNick,
                    Password = password,
                    Room = room,
                    Transport = transport,
                    Transports = registry,
                    Greeting = greeting ?? [],
                    ScrollbackLines = view.ScrollbackLines,
                    Theme = view.Theme,
                }, cancellationToken);
            }
            Console.Error.WriteLine("termchat: stdin or stdout is not a terminal, so using plain mode (one line per event; --plain says so explicitly)");
        }
        var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = false };
        var stderr = new StreamWriter(Console.OpenStandardError(), new UTF8Encoding(false)) { AutoFlush = true };
        var stdin = new StreamReader(Console.OpenStandardInput(), Encoding.UTF8);
        await using (stdout)
        await using (stderr)
        {
            using (stdin)
            {
                return await PlainMode.RunAsync(new PlainModeOptions
                {
                    Endpoint = endpoint,
                    OtherEndpoints = others,
                    Nick = chosenNick,
                    Password = password,
                    Room = room,
                    Transport = transport,
                    Json = json,
                    Input = stdin,
                    Output = stdout,
                    Error = stderr,
                    Transports = registry,
                }, cancellationToken);
            }
        }
    }

    /// <summary>The user name, reduced to characters a nick may hold.</summary>
    internal static string DefaultNick()
    {
        var nick = new StringBuilder();
        foreach (char c in Environment.UserName)
        {
            if ((char.IsAsciiLetterOrDigit(c) || c is '_' or '-') && nick.Length < 16)
            {
                nick.Append(c);
            }
        }
        return nick.Length > 0 && char.IsAsciiLetter(nick[0]) ? nick.ToString() : "guest" + Random.Shared.Next(1000, 10000);
    }
}
