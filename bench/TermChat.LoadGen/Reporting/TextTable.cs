using System.Text;

namespace TermChat.LoadGen.Reporting;

/// <summary>A plain aligned text table: text columns left-aligned, numbers right-aligned.</summary>
public sealed class TextTable
{
    private readonly string[] _headers;
    private readonly List<string[]> _rows = [];

    /// <summary>Creates a table with these column headers.</summary>
    public TextTable(params string[] headers) => _headers = headers;

    /// <summary>Adds a row; it must have one cell per header.</summary>
    public void Add(params string[] cells)
    {
        if (cells.Length != _headers.Length) throw new ArgumentException($"A row needs {_headers.Length} cells, not {cells.Length}.", nameof(cells));
        _rows.Add(cells);
    }

    /// <summary>Renders the table with a header rule.</summary>
    public override string ToString()
    {
        var widths = _headers.Select((h, i) => Math.Max(h.Length, _rows.Select(r => r[i].Length).DefaultIfEmpty(0).Max())).ToArray();
        var numeric = _headers.Select((_, i) => i > 0 && _rows.Count > 0 && _rows.All(r => IsNumberLike(r[i]))).ToArray();
        var text = new StringBuilder();
        void Line(string[] cells)
        {
            for (int i = 0; i < cells.Length; i++)
            {
                if (i > 0) text.Append("  ");
                text.Append(numeric[i] ? cells[i].PadLeft(widths[i]) : cells[i].PadRight(widths[i]));
            }
            while (text.Length > 0 && text[^1] == ' ') text.Length--;
            text.Append('\n');
        }
        Line(_headers);
        Line(widths.Select(w => new string('-', w)).ToArray());
        foreach (var row in _rows) Line(row);
        return text.ToString();
    }

    private static bool IsNumberLike(string cell) =>
        cell.Length == 0 || cell == "-" || (cell.Length > 0 && (char.IsAsciiDigit(cell[0]) || (cell[0] is '<' or '≥' or '-' && cell.Length > 1)));
}
