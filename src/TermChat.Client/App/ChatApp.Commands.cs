using System.Text;
using TermChat.Client.Transports;
using TermChat.Protocol;
using TermChat.Protocol.Messages;

namespace TermChat.Client.App;

// The input line: messages and slash commands.
public sealed partial class ChatApp
{
    /// <summary>
    /// Handles one line the user typed: a message to the current room or conversation, or a command.
    /// Messages go to the server; its echo arrives later through <see cref="Apply"/>.
    /// </summary>
    /// <returns>Local lines (usage errors, help) and whether the user asked to quit.</returns>
    public async Task<SubmitResult> SubmitAsync(string line, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(line);
        var input = ParsedInput.Parse(line);
        var output = new List<ChatEntry>();
        Message? send = null;
        string? transport = null;
        bool quit = false;
        lock (_gate)
        {
            if (input.Command is null)
            {
                send = Say(input.Argument, MessageKind.Say, output);
            }
            else
            {
                (send, transport, quit) = Command(input.Command, input.Argument, output);
            }
        }
        if (output.Count > 0)
        {
            Changed?.Invoke();
        }
        if (send is not null)
        {
            await _session.SendAsync(send, cancellationToken).ConfigureAwait(false);
        }
        await RunPendingNetcheckAsync(output, cancellationToken).ConfigureAwait(false);
        if (transport is not null)
        {
            await SwitchTransportAsync(transport, output, cancellationToken).ConfigureAwait(false);
        }
        if (quit)
        {
            await _session.QuitAsync(input.Argument.Length > 0 ? input.Argument : "leaving", cancellationToken).ConfigureAwait(false);
        }
        return new SubmitResult(output, quit) { Joining = (send as JoinRoom)?.Room };
    }

    private async Task SwitchTransportAsync(string transport, List<ChatEntry> output, CancellationToken cancellationToken)
    {
        try
        {
            await _session.SwitchTransportAsync(transport, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ChatConnectException or ArgumentException or ChatLinkException or Session.ChatSessionException)
        {
            lock (_gate)
            {
                Post(NewEntry(EntryKind.Error, null, null, $"could not switch to {transport.ToUpperInvariant()}: {e.Message}"), output);
            }
            Changed?.Invoke();
        }
    }

    private Message? Say(string text, MessageKind kind, List<ChatEntry> output)
    {
        if (text.Trim().Length == 0)
        {
            return null;
        }
        if (_current is null)
        {
            Local(EntryKind.Error, "you are not in a room yet: /join #room first", output);
            return null;
        }
        if (!CheckText(text, output))
        {
            return null;
        }
        if (_current.IsPrivate)
        {
            if (kind == MessageKind.Action)
            {
                Local(EntryKind.Error, "/me works in rooms only", output);
                return null;
            }
            return new SendPrivate(_current.Name, text);
        }
        return new SendMessage(_current.Name, kind, text);
    }

    private bool CheckText(string text, List<ChatEntry> output)
    {
        int bytes = Encoding.UTF8.GetByteCount(text);
        if (bytes > ProtocolLimits.MaxTextBytes)
        {
            Local(EntryKind.Error, $"message too long: {bytes} bytes, the limit is {ProtocolLimits.MaxTextBytes}", output);
            return false;
        }
        return true;
    }

    private (Message? Send, string? Transport, bool Quit) Command(string name, string argument, List<ChatEntry> output)
    {
        switch (name)
        {
            case "join":
            case "j":
            {
                var (room, _) = ParsedInput.SplitFirst(argument);
                if (room.Length == 0)
                {
                    return Usage("join", output);
                }
                room = room.StartsWith('#') ? room : "#" + room;
                if (Find(room) is { IsPrivate: false } existing)
                {
                    SelectLocked(existing);
                    return default;
                }
                _switchOnJoin.Add(room);
                return (new JoinRoom(room), null, false);
            }
            case "part":
            case "leave":
            {
                var (first, rest) = ParsedInput.SplitFirst(argument);
                RoomState? room;
                string reason;
                if (first.StartsWith('#'))
                {
                    room = Find(first);
                    reason = rest;
                    if (room is null)
                    {
                        Local(EntryKind.Error, $"you are not in {first}", output);
                        return default;
                    }
                }
                else
                {
                    room = _current;
                    reason = argument;
                }
                if (room is null)
                {
                    Local(EntryKind.Error, "you are not in a room", output);
                    return default;
                }
                if (room.IsPrivate)
                {
                    RemoveRoom(room);
                    Local(EntryKind.Info, $"closed the conversation with {room.Name}", output);
                    return default;
                }
                return (new PartRoom(room.Name, reason), null, false);
            }
            case "nick":
            {
                var (nick, rest) = ParsedInput.SplitFirst(argument);
                if (nick.Length == 0 || rest.Length > 0)
                {
                    return Usage("nick", output);
                }
                if (Encoding.UTF8.GetByteCount(nick) > ProtocolLimits.MaxNickBytes)
                {
                    Local(EntryKind.Error, $"a nick has at most {ProtocolLimits.MaxNickBytes} characters", output);
                    return default;
                }
                return (new ChangeNick(nick), null, false);
            }
            case "msg":
            case "query":
            {
                var (nick, text) = ParsedInput.SplitFirst(argument);
                if (nick.Length == 0 || (text.Length == 0 && name == "msg"))
                {
                    return Usage("msg", output);
                }
                if (text.Length == 0)
                {
                    SelectLocked(Open(nick, isPrivate: true));
                    return default;
                }
                return CheckText(text, output) ? (new SendPrivate(nick, text), null, false) : default;
            }
            case "me":
                if (argument.Length == 0)
                {
                    return Usage("me", output);
                }
                return (Say(argument, MessageKind.Action, output), null, false);
            case "names":
            case "who":
            {
                string room = argument.Length > 0 ? ParsedInput.SplitFirst(argument).First : _current is { IsPrivate: false } ? _current.Name : "";
                if (room.Length == 0)
                {
                    Local(EntryKind.Error, "you are not in a room: /names #room", output);
                    return default;
                }
                room = room.StartsWith('#') ? room : "#" + room;
                _namesRequested.Add(room);
                return (new ListMembers(room), null, false);
            }
            case "rooms":
            case "list":
                return (new ListRooms(), null, false);
            case "topic":
            {
                if (_current is null or { IsPrivate: true })
                {
                    Local(EntryKind.Error, "you are not in a room", output);
                    return default;
                }
                if (argument.Length == 0)
                {
                    Local(EntryKind.Topic, _current.Topic.Length > 0 ? $"topic of {_current.Name}: {_current.Topic}" : $"{_current.Name} has no topic", output);
                    return default;
                }
                if (Encoding.UTF8.GetByteCount(argument) > ProtocolLimits.MaxTopicBytes)
                {
                    Local(EntryKind.Error, $"a topic has at most {ProtocolLimits.MaxTopicBytes} bytes", output);
                    return default;
                }
                return (new SetTopic(_current.Name, argument), null, false);
            }
            case "search":
            {
                string words = argument.Trim();
                if (words.Length == 0)
                {
                    return Usage("search", output);
                }
                if (_current is null or { IsPrivate: true })
                {
                    Local(EntryKind.Error, "/search searches a room: switch to one first", output);
                    return default;
                }
                if (_protocolVersion < ProtocolLimits.SearchVersion)
                {
                    Local(EntryKind.Error, $"/search is unavailable: this server speaks protocol version {_protocolVersion}, which has no history search", output);
                    return default;
                }
                if (Encoding.UTF8.GetByteCount(words) > ProtocolLimits.MaxSearchBytes)
                {
                    Local(EntryKind.Error, $"a search has at most {ProtocolLimits.MaxSearchBytes} bytes", output);
                    return default;
                }
                return (new SearchHistory(_current.Name, words), null, false);
            }
            case "away":
            {
                string reason = argument.Length > 0 ? argument : "away";
                if (Encoding.UTF8.GetByteCount(reason) > ProtocolLimits.MaxReasonBytes)
                {
                    Local(EntryKind.Error, $"an away reason has at most {ProtocolLimits.MaxReasonBytes} bytes", output);
                    return default;
                }
                return (new SetAway(reason), null, false);
            }
            case "back":
                return (new SetAway(""), null, false);
            case "netcheck":
                QueueNetcheck(argument);
                return default;
            case "stats":
                return (new GetStats(), null, false);
            case "transport":
            {
                string transport = argument.Trim().ToLowerInvariant();
                if (transport.Length == 0)
                {
                    Local(EntryKind.Info, $"connected over {_session.TransportName}; switch with /transport {string.Join("|", _options.Transports)}", output);
                    return default;
                }
                if (!_options.Transports.Contains(transport, StringComparer.OrdinalIgnoreCase))
                {
                    Local(EntryKind.Error, $"unknown transport '{argument}': use /transport {string.Join("|", _options.Transports)}", output);
                    return default;
                }
                if (string.Equals(transport, _session.TransportName, StringComparison.OrdinalIgnoreCase))
                {
                    Local(EntryKind.Info, $"already connected over {_session.TransportName}", output);
                    return default;
                }
                Local(EntryKind.Info, $"switching to {transport.ToUpperInvariant()}...", output);
                return (null, transport, false);
            }
            case "clear":
                _current?.Clear();
                if (_current is null)
                {
                    _serverLog.Clear();
                }
                return default;
            case "help":
                Help(argument.TrimStart('/'), output);
                return default;
            case "quit":
            case "exit":
                return (null, null, true);
            default:
                var near = CommandInfo.All.Where(c => EditDistance(c.Name, name) <= 2).Select(c => "/" + c.Name).ToArray();
                Local(EntryKind.Error, near.Length > 0
                    ? $"unknown command /{name} (did you mean {string.Join(" or ", near)}?); /help lists the commands, and // sends a line starting with /"
                    : $"unknown command /{name}; /help lists the commands, and // sends a line starting with /", output);
                return default;
        }
    }

    private (Message?, string?, bool) Usage(string command, List<ChatEntry> output)
    {
        var info = CommandInfo.Find(command)!;
        Local(EntryKind.Error, $"usage: {info.Usage} ({info.Summary})", output);
        return default;
    }

    private void Help(string topic, List<ChatEntry> output)
    {
        if (topic.Length > 0)
        {
            if (CommandInfo.Find(topic) is { } info)
            {
                Local(EntryKind.Info, $"{info.Usage}: {info.Summary}", output);
            }
            else
            {
                Local(EntryKind.Error, $"no command /{topic}; /help lists them", output);
            }
            return;
        }
        Local(EntryKind.Info, "commands (anything else is a message to the current room; // starts a message with /):", output);
        foreach (var info in CommandInfo.All)
        {
            Local(EntryKind.Info, $"  {info.Usage,-24} {info.Summary}", output);
        }
    }

    // Levenshtein distance, for "did you mean" on a mistyped command.
    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    private void Local(EntryKind kind, string text, List<ChatEntry> output) =>
        Post(NewEntry(kind, null, null, text), output);
}
