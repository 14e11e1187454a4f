using TermChat.Protocol;

namespace TermChat.Client.App;

/// <summary>A joined room or a private conversation, as the view shows it. Owned and updated by <see cref="ChatApp"/>.</summary>
public sealed class RoomState
{
    // The view reads on the UI thread while commands may add lines from another: readers get an
    // immutable snapshot, rebuilt only after a change.
    private readonly Lock _sync = new();
    private readonly List<ChatEntry> _entries = [];
    private readonly List<Member> _members = [];
    private readonly int _capacity;
    private ChatEntry[]? _entriesSnapshot;
    private Member[]? _membersSnapshot;

    internal RoomState(string name, bool isPrivate, int capacity)
    {
        Name = name;
        IsPrivate = isPrivate;
        _capacity = capacity;
    }

    /// <summary>"#lobby", or the peer's nick for a private conversation.</summary>
    public string Name { get; internal set; }

    /// <summary>Whether this is a private conversation.</summary>
    public bool IsPrivate { get; }

    /// <summary>The room's topic; empty when none.</summary>
    public string Topic { get; internal set; } = "";

    /// <summary>Members sorted by nick, with away status.</summary>
    public IReadOnlyList<Member> Members
    {
        get
        {
            lock (_sync)
            {
                return _membersSnapshot ??= [.. _members];
            }
        }
    }

    /// <summary>Scrollback, oldest first, bounded to the app's capacity.</summary>
    public IReadOnlyList<ChatEntry> Entries
    {
        get
        {
            lock (_sync)
            {
                return _entriesSnapshot ??= [.. _entries];
            }
        }
    }

    /// <summary>The room's modes (protocol 3's RoomModes): the view marks keyed and invite-only rooms.</summary>
    public RoomModeFlags Modes { get; internal set; }

    /// <summary>Members who are server operators (marked in the member list).</summary>
    public IReadOnlySet<string> Operators { get; internal set; } = new HashSet<string>();

    /// <summary>Members with voice in a moderated room.</summary>
    public IReadOnlySet<string> Voiced { get; internal set; } = new HashSet<string>();

    /// <summary>The mark a view shows before a member's nick: <c>@</c> operator, <c>+</c> voiced, else none.</summary>
    public string MarkOf(string nick) => Operators.Contains(nick) ? "@" : Voiced.Contains(nick) ? "+" : "";

    /// <summary>The marks a view shows after the room's name: <c>k</c> key, <c>i</c> invite-only, <c>m</c> moderated, <c>t</c> topic lock.</summary>
    public string ModeMarks =>
        ((Modes & RoomModeFlags.Key) != 0 ? "k" : "") + ((Modes & RoomModeFlags.InviteOnly) != 0 ? "i" : "") +
        ((Modes & RoomModeFlags.Moderated) != 0 ? "m" : "") + ((Modes & RoomModeFlags.TopicLocked) != 0 ? "t" : "");

    /// <summary>Messages that arrived while this was not the current room.</summary>
    public int UnreadCount { get; internal set; }

    /// <summary>Mentions of you that arrived while this was not the current room.</summary>
    public int MentionCount { get; internal set; }

    /// <summary>
    /// Where you left this room: the view draws an unread marker after the entry with this id.
    /// Null when there is nothing new since.
    /// </summary>
    public long? UnreadMarkerAfterId { get; internal set; }

    /// <summary>Id of the last entry you saw here; 0 in a room you have never opened.</summary>
    internal long LastReadId { get; set; }

    /// <summary>Id of the oldest entry counted in <see cref="UnreadCount"/>; null when nothing is unread.</summary>
    internal long? FirstUnreadId { get; set; }

    /// <summary>The room's last sequence number when we joined (our own join event).</summary>
    internal ulong JoinedAtSeq { get; set; }

    /// <summary>Whether a first-join history replay is in progress (replayed lines do not count as unread).</summary>
    internal bool InInitialHistory { get; set; }

    internal void Add(ChatEntry entry)
    {
        lock (_sync)
        {
            _entries.Add(entry);
            if (_entries.Count > _capacity)
            {
                _entries.RemoveRange(0, _entries.Count - _capacity);
            }
            _entriesSnapshot = null;
        }
    }

    internal void Clear()
    {
        lock (_sync)
        {
            _entries.Clear();
            _entriesSnapshot = null;
        }
    }

    internal void SetMembers(IEnumerable<Member> members)
    {
        lock (_sync)
        {
            _members.Clear();
            _members.AddRange(members);
            SortMembers();
        }
    }

    internal void UpsertMember(string nick, string? away = null)
    {
        lock (_sync)
        {
            UpsertMemberLocked(nick, away);
        }
    }

    private void UpsertMemberLocked(string nick, string? away)
    {
        int index = _members.FindIndex(m => string.Equals(m.Nick, nick, StringComparison.OrdinalIgnoreCase));
        if (index >= 0)
        {
            _members[index] = new Member(nick, away ?? _members[index].Away);
        }
        else
        {
            _members.Add(new Member(nick, away ?? ""));
        }
        SortMembers();
    }

    internal bool RemoveMember(string nick)
    {
        lock (_sync)
        {
            _membersSnapshot = null;
            return _members.RemoveAll(m => string.Equals(m.Nick, nick, StringComparison.OrdinalIgnoreCase)) > 0;
        }
    }

    internal bool RenameMember(string oldNick, string newNick)
    {
        lock (_sync)
        {
            int index = _members.FindIndex(m => string.Equals(m.Nick, oldNick, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                return false;
            }
            _members[index] = _members[index] with { Nick = newNick };
            SortMembers();
            return true;
        }
    }

    private void SortMembers()
    {
        _members.Sort((a, b) => StringComparer.OrdinalIgnoreCase.Compare(a.Nick, b.Nick));
        _membersSnapshot = null;
    }
}
