using System.Text;
using System.Threading.Channels;

namespace TermChat.Client.Tests.Fakes;

/// <summary>Standard output a test reads line by line, waiting (with a timeout) for the line it expects.</summary>
internal sealed class LineCollector : TextWriter
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _all = [];
    private readonly StringBuilder _partial = new();

    public override Encoding Encoding => Encoding.UTF8;

    /// <summary>Every complete line written so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_all)
            {
                return [.. _all];
            }
        }
    }

    public override void Write(char value)
    {
        lock (_all)
        {
            if (value == '\n')
            {
                string line = _partial.ToString().TrimEnd('\r');
                _partial.Clear();
                _all.Add(line);
                _lines.Writer.TryWrite(line);
            }
            else
            {
                _partial.Append(value);
            }
        }
    }

    public override void Write(string? value)
    {
        foreach (char c in value ?? "")
        {
            Write(c);
        }
    }

    public override void WriteLine(string? value) => Write((value ?? "") + "\n");

    public override Task WriteLineAsync(string? value)
    {
        WriteLine(value);
        return Task.CompletedTask;
    }

    public override Task FlushAsync() => Task.CompletedTask;

    /// <summary>Waits for the next line that satisfies <paramref name="match"/>, skipping others.</summary>
    public async Task<string> WaitForAsync(Func<string, bool> match)
    {
        using var timeout = new CancellationTokenSource(Wait);
        while (true)
        {
            string line = await _lines.Reader.ReadAsync(timeout.Token);
            if (match(line))
            {
                return line;
            }
        }
    }
}
