namespace TermChat.Cli;

/// <summary>
/// A progress line on stderr: rewritten in place on a terminal, one line per step when redirected
/// (a step is the text before the first ':'), so logs stay short.
/// </summary>
internal sealed class ProgressLine
{
    private readonly TextWriter _writer;
    private readonly bool _terminal;
    private readonly string _prefix;
    private int _shown;
    private string? _lastStep;

    public ProgressLine(TextWriter writer, string prefix = "")
    {
        _writer = writer;
        _prefix = prefix;
        _terminal = !Console.IsErrorRedirected;
    }

    public void Show(string text)
    {
        text = _prefix + text;
        lock (_writer)
        {
            if (_terminal)
            {
                int width = Math.Max(20, SafeWidth() - 1);
                if (text.Length > width)
                {
                    text = text[..(width - 3)] + "...";
                }
                _writer.Write("\r" + text.PadRight(Math.Max(text.Length, _shown)));
                _shown = text.Length;
                _writer.Flush();
                return;
            }
            int colon = text.IndexOf(':', _prefix.Length);
            string step = colon > 0 ? text[..colon] : text;
            if (step != _lastStep)
            {
                _writer.WriteLine(text);
                _lastStep = step;
            }
        }
    }

    public void Clear()
    {
        lock (_writer)
        {
            if (_terminal && _shown > 0)
            {
                _writer.Write("\r" + new string(' ', _shown) + "\r");
                _writer.Flush();
                _shown = 0;
            }
        }
    }

    private static int SafeWidth()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 80;
        }
        catch (IOException)
        {
            return 80;
        }
    }
}
