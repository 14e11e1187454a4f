namespace TermChat.Server.Core;

/// <summary>How a cluster-wide nick claim went (<see cref="INickClaims.Claim"/>).</summary>
/// <param name="Outcome">The answer.</param>
/// <param name="Wait">For <see cref="NickClaimOutcome.Pending"/>: completes when the claim has an answer.</param>
/// <param name="Problem">For a refusal: what the user is told.</param>
/// <param name="Session">For <see cref="NickClaimOutcome.Resumable"/>: the session taken over from another server.</param>
/// <param name="Owner">For <see cref="NickClaimOutcome.Owned"/>: the binding that refuses the nick.</param>
internal readonly record struct NickClaim(NickClaimOutcome Outcome, Task? Wait = null, string Problem = "", SessionRecord? Session = null,
    Identity.NickOwner? Owner = null)
{
    public static readonly NickClaim Held = new(NickClaimOutcome.Held);

    public static NickClaim Pending(Task wait) => new(NickClaimOutcome.Pending, wait);

    public static NickClaim Taken(string problem) => new(NickClaimOutcome.Taken, Problem: problem);

    public static NickClaim Unavailable(string problem) => new(NickClaimOutcome.Unavailable, Problem: problem);

    public static NickClaim Owned(Identity.NickOwner owner) => new(NickClaimOutcome.Owned, Owner: owner);

    public static NickClaim Resumable(SessionRecord session) => new(NickClaimOutcome.Resumable, Session: session);
}
