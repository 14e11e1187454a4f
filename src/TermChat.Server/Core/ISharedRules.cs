using TermChat.Server.Core.Identity;
using TermChat.Server.Core.Moderation;
using TermChat.Server.History;

namespace TermChat.Server.Core;

/// <summary>
/// Nick ownership, bans and rooms' modes, keys and mutes that several servers share (the servers of a cluster): the same
/// object is the core's <see cref="INickOwnerStore"/> and <see cref="IBanStore"/>, keeps the room log's
/// <see cref="IRoomLog.Access"/> and the rooms' mutes, whose writes reach every server, and it reports here what the
/// other servers changed, so that each applies the change to its own <see cref="NickRegistry"/>, <see cref="BanList"/>
/// and rooms.
/// </summary>
/// <remarks>
/// The callbacks come from the implementation's own thread, in the order the changes were made, never under the core's
/// lock; they may also report this server's own changes back, which the core applies again without effect.
/// </remarks>
internal interface ISharedRules
{
    /// <summary>
    /// Why a change of ownership or of the bans cannot be made now (it could not reach the other servers, so it would
    /// hold on this server only), or null when it can. Under the core's lock; never waits.
    /// </summary>
    string? Unavailable { get; }

    /// <summary>Set by the core: a key owns a nick (new, or replacing the binding of that nick or a look-alike).</summary>
    Action<NickOwner>? OwnerSet { get; set; }

    /// <summary>Set by the core: a binding was released.</summary>
    Action<NickOwner>? OwnerRemoved { get; set; }

    /// <summary>Set by the core: a ban was added or replaced; the sessions it matches on this server leave.</summary>
    Action<Ban>? BanSet { get; set; }

    /// <summary>Set by the core: the ban on this target was lifted (or lapsed).</summary>
    Action<string>? BanRemoved { get; set; }

    /// <summary>Set by the core: a room's modes and key were set (on this server or another); they hold here too.</summary>
    Action<string, RoomAccess>? AccessSet { get; set; }

    /// <summary>Set by the core: a nick was muted in a room (on this server or another); the mute holds here too.</summary>
    Action<RoomMute>? MuteSet { get; set; }

    /// <summary>Set by the core: the mute of a nick (second) in a room (first) was lifted, or found lapsed, somewhere.</summary>
    Action<string, string>? MuteRemoved { get; set; }

    /// <summary>
    /// The mutes in <paramref name="room"/> as this server last saw them, for a room that comes to exist here (lapsed
    /// ones included: the core drops them as it meets them). Under the core's lock; never waits.
    /// </summary>
    IReadOnlyList<RoomMute> Mutes(string room);

    /// <summary>A mute given on this server: it holds on every server, replacing one on the same nick in the room. Only queues.</summary>
    void SaveMute(RoomMute mute);

    /// <summary>An unmute given on this server: whatever mute the nick has in the room is lifted on every server. Only queues.</summary>
    void DeleteMute(string room, string nick);

    /// <summary>
    /// A timed mute this server found lapsed: it is dropped everywhere, unless a newer mute replaced it meanwhile. Only
    /// queues.
    /// </summary>
    void MuteLapsed(RoomMute mute);
}
