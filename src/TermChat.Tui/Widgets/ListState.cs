namespace TermChat.Tui.Widgets;

/// <summary>The selection and scroll offset of a <see cref="ListView"/>, kept across frames.</summary>
public sealed class ListState
{
    public int? Selected { get; set; }

    /// <summary>The index of the first visible item; adjusted while rendering to keep the selection visible.</summary>
    public int Offset { get; set; }

    public void SelectNext(int itemCount) =>
        Selected = itemCount == 0 ? null : Math.Min((Selected ?? -1) + 1, itemCount - 1);

    public void SelectPrevious(int itemCount) =>
        Selected = itemCount == 0 ? null : Math.Max((Selected ?? itemCount) - 1, 0);
}
