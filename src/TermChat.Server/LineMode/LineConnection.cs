using System.Globalization;
using System.Net;
using System.Text;
using TermChat.Protocol;
using TermChat.Protocol.Text;
using TermChat.Server.Core;
using TermChat.Server.FrontEnds;
using TermChat.Server.History;
using TermChat.Server.Limits;
using TermChat.Server.Wire;

namespace TermChat.Server.LineMode;

/// <summary>
/// One nc or telnet connection: its session, current room and flood gate, and (as the session's
/// <see cref="ISessionSink"/>) every event written as one readable line. Everything from other people passes the one
/// <see cref="TextSanitizer"/>, so no escape sequence of theirs reaches the terminal.
/// </summary>
/// <remarks>
/// Commands run under the front end's lock; events under the core's. The room list and current room are touched by
/// both, under the connection's own small lock (a leaf).
/// </remarks>
internal sealed class LineConnection : FrontEndConnection, ISessionSink
{
    private readonly LineFrontEnd _owner;
    private readonly object _roomGate = new();
    private readonly List<string> _rooms = [];
    private volatile string _nick = "";
    private string _current = "";

    public LineConnection(LineFrontEnd owner, IClientLink link, IPAddress? address, long now, FloodGate flood)
        : base(link, address, now, flood)
    {
        _owner = owner;
    }

    /// <summary>The nick typed while the server's password is asked for; null before the nick and once registered.</summary>
    public string? PendingNick { get; set; }

    /// <summary>Wrong passwords typed so far; the connection closes at the third, as ssh does.</summary>
    public int WrongPasswords { get; set; }

    /// <summary>Where typed lines go: the room joined last (or still in), "" when in none.</summary>
    public string CurrentRoom
    {
        get { lock (_roomGate) return _current; }
    }

    /// <summary>Makes <paramref name="room"/> current if the user is in it.</summary>
    public bool TrySwitch(string room)
    {
        lock (_roomGate)
        {
            if (!_rooms.Contains(room)) return false;
            _current = room;
            return true;
        }
    }

    /// <summary>Queues one line (sanitized, on one row, CR LF); returns its bytes, 0 if the link refused it.</summary>
    public int Say(string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(TextSanitizer.Sanitize(text, LineBreaks.Space) + "\r\n");
        if (!Link.TryEnqueue(bytes)) return 0;
        _owner.Stats.FrameOut(bytes.Length);
        return bytes.Length;
    }

    public void Welcome(string nick, ResumeToken token, bool resumed)
    {
        _nick = nick;
        Say($"-!- welcome to {_owner.ServerName}, you are {nick}. Lines you type go to the current room; " +
            "/join #room, /msg nick text, /me action, /nick new, /who, /topic text, /away text, /rooms, /quit, /help.");
    }

    public void Joined(JoinedRoom room)
    {
        lock (_roomGate)
        {
            if (!_rooms.Contains(room.Room)) _rooms.Add(room.Room);
            _current = room.Room;
        }
        Say($"-!- you joined {room.Room} ({room.Members.Count} {(room.Members.Count == 1 ? "member" : "members")}); lines you type go there now");
        if (room.Topic.Length > 0) Say($"-!- {room.Room} topic: {room.Topic}");
        foreach (var entry in room.History.Entries.Where(entry => !entry.IsEvent)) Say(Describe(entry));
    }

    public int Entry(RoomEntry entry)
    {
        // What the user typed is already on their screen; their own join is told by Joined.
        if (NameRules.NickComparer.Equals(entry.Nick, _nick) && (!entry.IsEvent || entry.EventKind == RoomEventKind.Join)) return 0;
        return Say(Describe(entry));
    }

    public void Parted(string room)
    {
        string now;
        lock (_roomGate)
        {
            _rooms.Remove(room);
            if (_current == room) _current = _rooms.Count > 0 ? _rooms[^1] : "";
            now = _current;
        }
        Say(now.Length > 0 ? $"-!- you left {room}; lines you type go to {now}" : $"-!- you left {room}; /join a room to talk");
    }

    public void NickChanged(string oldNick, string newNick)
    {
        _nick = newNick;
        Say($"-!- you are now known as {newNick}");
    }

    public void Private(PrivateLine line)
    {
        if (NameRules.NickComparer.Equals(line.From, _nick) && !NameRules.NickComparer.Equals(line.To, _nick)) return;
        Say($"[{Time(line.TimeMs)}] *{line.From}* {line.Text}");
    }

    public void Notice(string text) => Say($"-!- {text}");

    public void Error(ErrorCode code, string text) => Say($"!!! {text}");

    public void Members(string room, IReadOnlyList<Member> members) =>
        Say($"-!- {room}: {string.Join(", ", members.Select(member => member.Away.Length > 0 ? $"{member.Nick} (away: {member.Away})" : member.Nick))}");

    public void Rooms(IReadOnlyList<RoomInfo> rooms) =>
        Say("-!- rooms: " + string.Join(", ", rooms.Select(room => $"{room.Name} ({room.Members})")));

    /// <summary>Line mode has no history search.</summary>
    public void SearchResults(string room, string words, IReadOnlyList<RoomEntry> found)
    {
    }

    public void Replaced(string reason)
    {
        Session = null;
        Close(null, reason);
    }

    private static string Describe(RoomEntry entry)
    {
        string head = $"[{Time(entry.TimeMs)}] {entry.Room}";
        if (!entry.IsEvent)
        {
            return entry.MessageKind == MessageKind.Action ? $"{head} * {entry.Nick} {entry.Text}" : $"{head} <{entry.Nick}> {entry.Text}";
        }
        string detail = entry.Text;
        return entry.EventKind switch
        {
            RoomEventKind.Join => $"{head} -!- {entry.Nick} joined",
            RoomEventKind.Part => detail.Length > 0 ? $"{head} -!- {entry.Nick} left ({detail})" : $"{head} -!- {entry.Nick} left",
            RoomEventKind.Quit => detail.Length > 0 ? $"{head} -!- {entry.Nick} quit ({detail})" : $"{head} -!- {entry.Nick} quit",
            RoomEventKind.NickChange => $"{head} -!- {entry.Nick} is now known as {detail}",
            RoomEventKind.Topic => detail.Length > 0 ? $"{head} -!- {entry.Nick} set the topic: {detail}" : $"{head} -!- {entry.Nick} cleared the topic",
            RoomEventKind.Away => detail.Length > 0 ? $"{head} -!- {entry.Nick} is away: {detail}" : $"{head} -!- {entry.Nick} is away",
            RoomEventKind.Back => $"{head} -!- {entry.Nick} is back",
            _ => $"{head} -!- {entry.Nick} {detail}",
        };
    }

    private static string Time(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture);
}
