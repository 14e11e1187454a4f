namespace TermChat.Server.Core;

/// <summary>What anyone may know about a user: the answer to <see cref="ChatCore.FindUser"/>.</summary>
/// <param name="Nick">The nick as its owner spells it.</param>
/// <param name="Away">The away text, empty when present.</param>
/// <param name="Rooms">The rooms the user is in, in join order.</param>
/// <param name="Detached">The connection dropped and the session waits for its owner to resume it.</param>
internal sealed record UserInfo(string Nick, string Away, IReadOnlyList<string> Rooms, bool Detached);
