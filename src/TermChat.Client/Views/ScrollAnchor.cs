namespace TermChat.Client.Views;

/// <summary>
/// Where a scrolled-up pane stays: the bottom visible row is row <paramref name="Index"/> of entry
/// <paramref name="EntryId"/>, so new lines below never move it. <paramref name="LastSeenId"/> is the newest
/// entry that was on screen when scrolling began; what came after counts as new.
/// </summary>
internal readonly record struct ScrollAnchor(long EntryId, int Index, long LastSeenId);
