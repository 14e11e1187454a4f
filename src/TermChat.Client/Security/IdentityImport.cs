namespace TermChat.Client.Security;

/// <summary>What <see cref="ClientIdentity.Import"/> did.</summary>
/// <param name="Outcome">Made, left as it was, or replaced.</param>
/// <param name="Fingerprint">The key in place now.</param>
/// <param name="Replaced">The key (or the unusable file) that was replaced, when <paramref name="Outcome"/> is <see cref="IdentityImportOutcome.Replaced"/>.</param>
public sealed record IdentityImport(IdentityImportOutcome Outcome, string Fingerprint, string? Replaced);
