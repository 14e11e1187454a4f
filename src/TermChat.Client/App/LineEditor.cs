using System.Globalization;

namespace TermChat.Client.App;

/// <summary>
/// The state of an editable line: text, cursor, history and tab completion, with no console
/// access. The cursor is a UTF-16 index that always sits on a grapheme boundary, so every move
/// and deletion works on whole graphemes (CJK, emoji ZWJ sequences, combining marks).
/// The text may contain newlines (from a paste). The input line view binds keys to these operations.
/// </summary>
public sealed class LineEditor(ICompletionSource? completionSource = null, int maxHistory = 500)
{
    private readonly List<string> _history = [];
    private int _historyIndex;
    private string _draft = string.Empty;
    private Completion? _completion;
    private int _cursor;

    public string Text { get; private set; } = string.Empty;

    /// <summary>UTF-16 index of the cursor in <see cref="Text"/>.</summary>
    /// <remarks>Any edit or move ends a Tab-completion cycle; only <see cref="Complete"/> continues one.</remarks>
    public int Cursor
    {
        get => _cursor;
        private set
        {
            _cursor = value;
            _completion = null;
        }
    }

    public ICompletionSource? CompletionSource { get; set; } = completionSource;

    public IReadOnlyList<string> History => _history;

    /// <summary>Replaces the text and puts the cursor at the end.</summary>
    public void SetText(string text)
    {
        Text = text;
        Cursor = text.Length;
    }

    public void Clear() => SetText(string.Empty);

    public void Insert(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        Text = Text.Insert(Cursor, text);
        Cursor = SnapForward(Text, Cursor + text.Length);
    }

    public void MoveLeft() => Cursor = PreviousBoundary(Text, Cursor);

    public void MoveRight() => Cursor = NextBoundary(Text, Cursor);

    public void MoveHome() => Cursor = 0;

    public void MoveEnd() => Cursor = Text.Length;

    public void MoveWordLeft() => Cursor = WordStartBefore(Cursor);

    public void MoveWordRight()
    {
        var pos = Cursor;
        while (pos < Text.Length && char.IsWhiteSpace(Text[pos]))
        {
            pos = NextBoundary(Text, pos);
        }

        while (pos < Text.Length && !char.IsWhiteSpace(Text[pos]))
        {
            pos = NextBoundary(Text, pos);
        }

        Cursor = pos;
    }

    /// <summary>Deletes the grapheme before the cursor.</summary>
    public void Backspace() => DeleteRange(PreviousBoundary(Text, Cursor), Cursor);

    /// <summary>Deletes the grapheme at the cursor.</summary>
    public void Delete() => DeleteRange(Cursor, NextBoundary(Text, Cursor));

    /// <summary>Deletes back to the start of the previous word (Ctrl+W).</summary>
    public void DeleteWordBack() => DeleteRange(WordStartBefore(Cursor), Cursor);

    /// <summary>Deletes from the start of the text to the cursor (Ctrl+U).</summary>
    public void DeleteToStart() => DeleteRange(0, Cursor);

    /// <summary>Deletes from the cursor to the end of the text (Ctrl+K).</summary>
    public void DeleteToEnd() => DeleteRange(Cursor, Text.Length);

    /// <summary>Shows the previous history entry; the first step back keeps the current text as the draft.</summary>
    public void HistoryPrevious()
    {
        if (_historyIndex == 0 || _history.Count == 0)
        {
            return;
        }

        if (_historyIndex >= _history.Count)
        {
            _historyIndex = _history.Count;
            _draft = Text;
        }

        _historyIndex--;
        SetText(_history[_historyIndex]);
    }

    /// <summary>Shows the next history entry, and finally the draft again.</summary>
    public void HistoryNext()
    {
        if (_historyIndex >= _history.Count)
        {
            return;
        }

        _historyIndex++;
        SetText(_historyIndex == _history.Count ? _draft : _history[_historyIndex]);
    }

    /// <summary>Returns the text, records it in the history (unless blank or a repeat) and clears the editor.</summary>
    public string Submit()
    {
        var text = Text;
        if (!string.IsNullOrWhiteSpace(text) && (_history.Count == 0 || _history[^1] != text))
        {
            _history.Add(text);
            if (_history.Count > Math.Max(1, maxHistory))
            {
                _history.RemoveAt(0);
            }
        }

        _historyIndex = _history.Count;
        _draft = string.Empty;
        _completion = null;
        Clear();
        return text;
    }

    /// <summary>
    /// Completes the word before the cursor. Calling it again right after cycles through the
    /// candidates (backwards when <paramref name="backwards"/>).
    /// </summary>
    /// <returns>False when there is no completion source or no candidate.</returns>
    public bool Complete(bool backwards = false)
    {
        if (_completion is { } c && c.AppliedText == Text && c.AppliedCursor == Cursor)
        {
            var count = c.Candidates.Count;
            Apply(c with { Index = (c.Index + (backwards ? count - 1 : 1)) % count });
            return true;
        }

        if (CompletionSource is null)
        {
            return false;
        }

        var start = Cursor;
        while (start > 0 && !char.IsWhiteSpace(Text[start - 1]))
        {
            start--;
        }

        var candidates = CompletionSource.GetCandidates(Text, Cursor);
        if (candidates.Count == 0)
        {
            _completion = null;
            return false;
        }

        Apply(new Completion(start, [.. candidates], backwards ? candidates.Count - 1 : 0, string.Empty, 0));
        return true;
    }

    private void Apply(Completion completion)
    {
        var before = Text[..completion.WordStart];
        var after = Text[Cursor..];
        var candidate = completion.Candidates[completion.Index];
        Text = before + candidate + after;
        Cursor = completion.WordStart + candidate.Length;
        _completion = completion with { AppliedText = Text, AppliedCursor = Cursor };
    }

    private void DeleteRange(int start, int end)
    {
        if (end <= start)
        {
            return;
        }

        Text = Text.Remove(start, end - start);
        Cursor = start;
    }

    private int WordStartBefore(int position)
    {
        var pos = position;
        while (pos > 0 && char.IsWhiteSpace(Text[pos - 1]))
        {
            pos = PreviousBoundary(Text, pos);
        }

        while (pos > 0 && !char.IsWhiteSpace(Text[pos - 1]))
        {
            pos = PreviousBoundary(Text, pos);
        }

        return pos;
    }

    private static int NextBoundary(string text, int position) =>
        position >= text.Length ? text.Length : position + StringInfo.GetNextTextElementLength(text, position);

    private static int PreviousBoundary(string text, int position)
    {
        var index = 0;
        while (index < position)
        {
            var next = index + StringInfo.GetNextTextElementLength(text, index);
            if (next >= position)
            {
                return index;
            }

            index = next;
        }

        return 0;
    }

    /// <summary>The first grapheme boundary at or after <paramref name="position"/>.</summary>
    private static int SnapForward(string text, int position)
    {
        var index = 0;
        while (index < position && index < text.Length)
        {
            index += StringInfo.GetNextTextElementLength(text, index);
        }

        return index;
    }

    private sealed record Completion(int WordStart, IReadOnlyList<string> Candidates, int Index, string AppliedText, int AppliedCursor);
}
