using TermChat.Client.Views.Text;

namespace TermChat.Client.Views;

/// <summary>One visual row of the message pane: row <paramref name="Index"/> of the entry with <paramref name="EntryId"/>.</summary>
internal readonly record struct PaneRow(long EntryId, int Index, StyledLine Line);
