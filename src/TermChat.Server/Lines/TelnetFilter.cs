namespace TermChat.Server.Lines;

/// <summary>
/// Removes telnet's in-band commands (RFC 854) from what a line-mode client sends: IAC followed by a command, the
/// option negotiations (WILL, WONT, DO, DONT and their option byte) and subnegotiations (SB … IAC SE). IAC IAC is a
/// literal byte 255. Nothing is negotiated back: a telnet client that hears no answer stays in its default line
/// mode, which is what this front end wants. Plain nc never sends byte 255 in text (UTF-8 has none).
/// </summary>
/// <remarks>Per connection and stateful across reads: a sequence may be split between two.</remarks>
internal sealed class TelnetFilter
{
    private const byte Iac = 255;
    private const byte Sb = 250;
    private const byte Se = 240;
    private const byte Will = 251;
    private const byte Dont = 254;

    private State _state;

    private enum State
    {
        Text,
        Command,
        Option,
        Sub,
        SubCommand,
    }

    /// <summary>Copies <paramref name="input"/> to <paramref name="output"/> without telnet commands.</summary>
    /// <param name="input">Received bytes.</param>
    /// <param name="output">At least as long as <paramref name="input"/>.</param>
    /// <returns>The bytes written.</returns>
    public int Filter(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int written = 0;
        foreach (byte b in input)
        {
            switch (_state)
            {
                case State.Text:
                    if (b == Iac) _state = State.Command;
                    else output[written++] = b;
                    break;
                case State.Command:
                    if (b == Iac)
                    {
                        output[written++] = Iac;
                        _state = State.Text;
                    }
                    else if (b is >= Will and <= Dont) _state = State.Option;
                    else if (b == Sb) _state = State.Sub;
                    else _state = State.Text;
                    break;
                case State.Option:
                    _state = State.Text;
                    break;
                case State.Sub:
                    if (b == Iac) _state = State.SubCommand;
                    break;
                case State.SubCommand:
                    _state = b == Se ? State.Text : State.Sub;
                    break;
            }
        }
        return written;
    }
}
