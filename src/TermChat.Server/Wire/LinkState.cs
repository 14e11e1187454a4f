using System.Net;
using TermChat.Protocol;
using TermChat.Protocol.Codec;
using TermChat.Protocol.Messages;
using TermChat.Server.Core;
using TermChat.Server.FrontEnds;
using TermChat.Server.History;
using TermChat.Server.Limits;

namespace TermChat.Server.Wire;

/// <summary>
/// One TermChat connection in the wire front end: its timers, flood bucket and core session, and the translation of
/// the session's domain events into frames queued on the link.
/// </summary>
internal sealed class LinkState : FrontEndConnection, ISessionSink
{
    private readonly WireFrontEnd _owner;

    public LinkState(WireFrontEnd owner, IClientLink link, IPAddress? address, long now, FloodGate flood)
        : base(link, address, now, flood)
    {
        _owner = owner;
        LastHeard = now;
    }

    /// <summary>When a frame last came in (monotonic timestamp).</summary>
    public long LastHeard { get; set; }

    public bool PingOutstanding { get; set; }

    /// <summary>The protocol version of the session, from its Hello (the newest until one arrives).</summary>
    public ushort Version { get; set; } = ProtocolLimits.Version;

    public void Send(Message message) => Queue(FrameEncoder.ToArray(message));

    public int Queue(byte[] frame)
    {
        if (!Link.TryEnqueue(frame)) return 0;
        _owner.Stats.FrameOut(frame.Length);
        return frame.Length;
    }

    public void Welcome(string nick, ResumeToken token, bool resumed) => Send(_owner.WelcomeFor(Version, nick, token, resumed));

    public void Joined(JoinedRoom room)
    {
        var history = room.History;
        Send(new RoomJoined(room.Room, room.Topic, history.LastSeq, MemberLists.Capped(room.Members)));
        Send(new HistoryBegin(room.Room, history.FirstSeq, history.LastSeq, room.Missed));
        foreach (var entry in history.Entries)
        {
            if (Version >= ProtocolLimits.ModerationVersion || !EntryFrames.IsModeration(entry)) Queue(EntryFrames.Replay(entry));
            else if (EntryFrames.ForOlder(entry, replay: true) is { } older) Send(older);
        }
        Send(new HistoryEnd(room.Room));
    }

    // Fan-out is counted by the core once per entry, not here per member.
    public int Entry(RoomEntry entry)
    {
        if (Version < ProtocolLimits.ModerationVersion && EntryFrames.IsModeration(entry))
        {
            // Rare, so encoded per session rather than cached on the entry.
            return EntryFrames.ForOlder(entry, replay: false) is { } older ? Queue(FrameEncoder.ToArray(older)) : 0;
        }
        byte[] frame = EntryFrames.Live(entry);
        return Link.TryEnqueue(frame) ? frame.Length : 0;
    }

    public void Parted(string room) => Send(new RoomParted(room));

    public void NickChanged(string oldNick, string newNick) => Send(new Protocol.Messages.NickChanged(oldNick, newNick));

    public void Private(PrivateLine line) => Queue(EntryFrames.Of(line));

    public void Notice(string text) => Send(new Protocol.Messages.Notice("", text));

    public void Error(ErrorCode code, string text) => Send(new Protocol.Messages.Error(code, text));

    public void Members(string room, IReadOnlyList<Member> members) => Send(new MemberList(room, MemberLists.Capped(members)));

    public void Rooms(IReadOnlyList<RoomInfo> rooms) => Send(new RoomList(rooms as RoomInfo[] ?? [.. rooms]));

    /// <summary>
    /// Sends the newest results, at most <see cref="ProtocolLimits.MaxSearchResults"/>: 50 of the largest hits (8 KiB
    /// of text, a 24-byte nick) take about 400 KiB, so they always fit one frame. A version-1 session never asked (its
    /// SearchHistory is refused), but a search sent before its session resumed here with version 1 may still answer:
    /// that answer is dropped.
    /// </summary>
    public void SearchResults(string room, string words, IReadOnlyList<RoomEntry> found)
    {
        if (Version < ProtocolLimits.SearchVersion) return;
        var hits = found.Take(ProtocolLimits.MaxSearchResults)
            .Select(entry => new SearchHit(entry.Seq, entry.TimeMs, entry.Nick, entry.MessageKind, entry.Text))
            .ToArray();
        Send(new Protocol.Messages.SearchResults(room, words, hits));
    }

    public void Replaced(string reason)
    {
        Session = null;
        Close(null, reason);
    }

    public void Removed(ErrorCode code, string reason)
    {
        Session = null;
        Close(code, reason);
    }

    public void Modes(string room, RoomModeFlags modes, IReadOnlyList<string> operators, IReadOnlyList<string> voiced)
    {
        if (Version >= ProtocolLimits.ModerationVersion) Send(new RoomModes(room, modes, operators.ToArray(), voiced.ToArray()));
    }
}
