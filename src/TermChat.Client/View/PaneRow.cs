using TermChat.Tui.Text;

namespace TermChat.Client.LegacyView;

/// <summary>One visual row of the message pane: row <paramref name="Index"/> of the entry <paramref name="EntryId"/>.</summary>
internal readonly record struct PaneRow(long EntryId, int Index, Line Line);
