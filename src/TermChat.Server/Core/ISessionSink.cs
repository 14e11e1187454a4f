using TermChat.Protocol;
using TermChat.Server.History;

namespace TermChat.Server.Core;

/// <summary>
/// Where the chat core sends one session's domain events; a front end implements it per connection and translates
/// each event to its own wire (TermChat frames, IRC lines).
/// </summary>
/// <remarks>
/// The core calls these under its lock, from whatever thread runs a command or commits an entry. An implementation
/// must only queue: never block, never call back into the core. Events for one session arrive in the order the
/// core decided them.
/// </remarks>
internal interface ISessionSink
{
    /// <summary>The session is registered (or resumed) under <paramref name="nick"/>.</summary>
    void Welcome(string nick, ResumeToken token, bool resumed);

    /// <summary>The session is in a room: its state, then the history after the session's cursor.</summary>
    void Joined(JoinedRoom room);

    /// <summary>A committed entry of a room the session is in. Returns the bytes queued, 0 if none were.</summary>
    int Entry(RoomEntry entry);

    /// <summary>The session left <paramref name="room"/>.</summary>
    void Parted(string room);

    /// <summary>The session's own nick changed (confirmation; the rooms get a nick event).</summary>
    void NickChanged(string oldNick, string newNick);

    /// <summary>A private message to or from the session.</summary>
    void Private(PrivateLine line);

    /// <summary>A note for this session only.</summary>
    void Notice(string text);

    /// <summary>A command of this session failed, or a warning; the session goes on.</summary>
    void Error(ErrorCode code, string text);

    /// <summary>Who is in <paramref name="room"/>, in nick order.</summary>
    void Members(string room, IReadOnlyList<Member> members);

    /// <summary>The rooms with people in them.</summary>
    void Rooms(IReadOnlyList<RoomInfo> rooms);

    /// <summary>What a history search of <paramref name="room"/> for <paramref name="words"/> found, newest first.</summary>
    void SearchResults(string room, string words, IReadOnlyList<RoomEntry> found);

    /// <summary>
    /// The session was resumed from another connection while this one still looked alive (a half-open link): this
    /// sink no longer belongs to it and its connection should close with <paramref name="reason"/>.
    /// </summary>
    void Replaced(string reason);
}
