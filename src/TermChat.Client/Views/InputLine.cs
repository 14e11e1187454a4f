using TermChat.Client.App;
using TermChat.Protocol.Text;
using TermChat.Client.Views.Text;
using Terminal.Gui.Drawing;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;

namespace TermChat.Client.Views;

/// <summary>
/// The input line: a prompt, then the <see cref="LineEditor"/>'s text scrolled horizontally to keep the cursor in
/// view (a pasted newline shows as ⏎). Keys are bound to commands that call the editor: readline keys
/// (Ctrl+A/E/B/F/W/U/K/D, Alt+B/F), Ctrl+Left/Right by word (Alt+Left/Right switch rooms), Up/Down history, Tab/Shift+Tab completion, Enter
/// submits. Home/End, Ctrl+D and Up/Down fall through to the window (scrolling, quitting) when there is nothing
/// for them to do here. A bracketed paste is inserted whole, so a multi-line paste is sent as one message.
/// </summary>
internal sealed class InputLine : View
{
    /// <summary>How chat text is coloured over the theme.</summary>
    public ColorMode Colors { get; init; }

    private const string NewlineSymbol = "⏎";

    private readonly LineEditor _editor;
    private readonly Func<int, string> _prompt;
    private int _scroll;
    private int _lastWidth = -1;

    /// <param name="editor">The editor state.</param>
    /// <param name="prompt">The prompt for a given width.</param>
    public InputLine(LineEditor editor, Func<int, string> prompt)
    {
        _editor = editor;
        _prompt = prompt;
        CanFocus = true;
        Height = 1;
        Bind(Command.LeftStart, () => _editor.Cursor == 0 ? false : Do(_editor.MoveHome), Key.Home, Key.A.WithCtrl);
        Bind(Command.RightEnd, () => _editor.Cursor == _editor.Text.Length ? false : Do(_editor.MoveEnd), Key.End, Key.E.WithCtrl);
        Bind(Command.Left, () => Do(_editor.MoveLeft), Key.CursorLeft, Key.B.WithCtrl);
        Bind(Command.Right, () => Do(_editor.MoveRight), Key.CursorRight, Key.F.WithCtrl);
        Bind(Command.WordLeft, () => Do(_editor.MoveWordLeft), Key.CursorLeft.WithCtrl, Key.B.WithAlt);
        Bind(Command.WordRight, () => Do(_editor.MoveWordRight), Key.CursorRight.WithCtrl, Key.F.WithAlt);
        Bind(Command.DeleteCharLeft, () => Do(_editor.Backspace), Key.Backspace);
        Bind(Command.DeleteCharRight, () => _editor.Text.Length == 0 ? false : Do(_editor.Delete), Key.Delete, Key.D.WithCtrl);
        Bind(Command.KillWordLeft, () => Do(_editor.DeleteWordBack), Key.W.WithCtrl, Key.Backspace.WithCtrl, Key.Backspace.WithAlt);
        Bind(Command.CutToStartOfLine, () => Do(_editor.DeleteToStart), Key.U.WithCtrl);
        Bind(Command.CutToEndOfLine, () => Do(_editor.DeleteToEnd), Key.K.WithCtrl);
        Bind(Command.Up, () => Do(_editor.HistoryPrevious), Key.CursorUp);
        Bind(Command.Down, () => Do(_editor.HistoryNext), Key.CursorDown);
        Bind(Command.NextTabStop, () => Do(() => _editor.Complete()), Key.Tab);
        Bind(Command.PreviousTabStop, () => Do(() => _editor.Complete(backwards: true)), Key.Tab.WithShift);
        Bind(Command.Accept, () =>
        {
            Submitted?.Invoke(_editor.Submit());
            return Do(() => { });
        }, Key.Enter);
    }

    /// <summary>Raised with the line when Enter is pressed (the editor is already cleared).</summary>
    public event Action<string>? Submitted;

    /// <summary>The editor this line shows.</summary>
    public LineEditor Editor => _editor;

    /// <summary>Inserts text as typed or pasted.</summary>
    public void InsertText(string text)
    {
        _editor.Insert(text);
        Changed();
    }

    protected override bool OnKeyDownNotHandled(Key key)
    {
        // Typing: any key with printable text and no Ctrl/Alt is inserted as is.
        if (!key.IsCtrl && !key.IsAlt && key.AsGrapheme is { Length: > 0 } text && !char.IsControl(text[0]))
        {
            InsertText(text);
            return true;
        }
        return base.OnKeyDownNotHandled(key);
    }

    protected override bool OnPaste(string text)
    {
        // Line endings become '\n'; the whole paste stays in the line until Enter, so no half line is ever sent.
        InsertText(text.ReplaceLineEndings("\n"));
        return true;
    }

    protected override bool OnDrawingContent(DrawContext? context)
    {
        var normal = GetAttributeForRole(VisualRole.Normal);
        int width = Viewport.Width;
        if (width != _lastWidth)
        {
            // After a resize, let the input scroll afresh so a wider line shows the text again.
            _lastWidth = width;
            _scroll = 0;
        }
        string prompt = Columns.Fit(TextSanitizer.Sanitize(_prompt(width), LineBreaks.Space, TextTarget.CellGrid), width);
        int promptEnd = ChatPalette.Draw(this, 0, 0, width, new StyledLine([new Span(prompt, SpanRole.Bold)]), normal, Colors);
        int field = width - promptEnd;
        if (field <= 0)
        {
            Cursor = new Terminal.Gui.Drivers.Cursor { Position = null };
            return true;
        }
        var glyphs = Layout(_editor.Text, _editor.Cursor, out int cursorColumn);
        if (cursorColumn < _scroll)
        {
            _scroll = cursorColumn;
        }
        else if (cursorColumn >= _scroll + field)
        {
            _scroll = cursorColumn - field + 1;
        }
        SetAttribute(normal);
        foreach (var (symbol, column, w) in glyphs)
        {
            // A glyph that straddles either edge is left out rather than cut in half.
            if (column >= _scroll && column + w <= _scroll + field)
            {
                Move(promptEnd + column - _scroll, 0);
                AddStr(symbol);
            }
        }
        Cursor = new Terminal.Gui.Drivers.Cursor { Position = ViewportToScreen(new System.Drawing.Point(promptEnd + cursorColumn - _scroll, 0)), Style = Terminal.Gui.Drivers.CursorStyle.Default };
        return true;
    }

    private void Bind(Command command, Func<bool?> action, params Key[] keys)
    {
        AddCommand(command, action);
        foreach (var key in keys)
        {
            // Replaces Terminal.Gui's default for the key, if any.
            KeyBindings.Remove(key);
            KeyBindings.Add(key, command);
        }
    }

    private bool? Do(Action edit)
    {
        edit();
        Changed();
        return true;
    }

    private void Changed()
    {
        SetNeedsDraw();
    }

    private static List<(string Symbol, int Column, int Width)> Layout(string text, int cursor, out int cursorColumn)
    {
        var glyphs = new List<(string, int, int)>();
        cursorColumn = -1;
        int column = 0;
        int index = 0;
        foreach (string grapheme in Columns.Graphemes(text))
        {
            if (index >= cursor && cursorColumn < 0)
            {
                cursorColumn = column;
            }
            index += grapheme.Length;
            string symbol = grapheme is "\n" or "\r\n" ? NewlineSymbol : TextSanitizer.Sanitize(grapheme, LineBreaks.Space, TextTarget.CellGrid);
            int width = Columns.Of(symbol);
            if (width > 0)
            {
                glyphs.Add((symbol, column, width));
                column += width;
            }
        }
        if (cursorColumn < 0)
        {
            cursorColumn = column;
        }
        return glyphs;
    }
}
