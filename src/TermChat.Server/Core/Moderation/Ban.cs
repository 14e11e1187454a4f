namespace TermChat.Server.Core.Moderation;

/// <summary>A server-wide ban.</summary>
/// <param name="Kind">What it matches.</param>
/// <param name="Target">The key fingerprint, nick or IP/CIDR as the operator gave it.</param>
/// <param name="ExpiresMs">When it lapses (Unix ms), or null for a ban until lifted.</param>
/// <param name="Reason">Why, shown to the banned client.</param>
/// <param name="By">The operator's nick.</param>
internal sealed record Ban(BanKind Kind, string Target, long? ExpiresMs, string Reason, string By);
