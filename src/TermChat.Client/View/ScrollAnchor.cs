namespace TermChat.Client.LegacyView;

/// <summary>
/// Where a scrolled-up message pane is: its bottom visible row is row <paramref name="Index"/> of
/// entry <paramref name="EntryId"/>. Anchoring to an entry rather than to a row count keeps the view
/// still while new lines arrive below and across resizes (rewrapping changes row counts).
/// </summary>
/// <param name="EntryId">The entry shown on the bottom visible row.</param>
/// <param name="Index">Which of that entry's rows.</param>
/// <param name="LastSeenId">The newest entry when scrolling began: later ones count as new messages.</param>
internal readonly record struct ScrollAnchor(long EntryId, int Index, long LastSeenId);
