namespace TermChat.Server.Core;

/// <summary>A user whose session another server of the cluster holds: what anyone may know, and which server it is.</summary>
/// <param name="Info">What <see cref="ChatCore.FindUser"/> answers for the user.</param>
/// <param name="Node">The id of the server holding the session, where private messages to the user go.</param>
internal sealed record RemoteUser(UserInfo Info, string Node);
