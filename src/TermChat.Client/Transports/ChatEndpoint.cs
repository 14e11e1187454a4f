using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace TermChat.Client.Transports;

/// <summary>
/// A server address as the user typed it: a host name or IP literal and a port. Accepts
/// <c>host</c>, <c>host:port</c>, <c>1.2.3.4:port</c>, <c>[::1]:port</c>, <c>[::1]</c> and bare IPv6 such as <c>::1</c>.
/// </summary>
public sealed record ChatEndpoint(string Host, int Port)
{
    /// <summary>The port a TermChat server listens on unless told otherwise.</summary>
    public const int DefaultPort = 7777;

    /// <summary>Parses <c>HOST[:PORT]</c>.</summary>
    /// <param name="text">The user's input.</param>
    /// <param name="endpoint">The parsed endpoint.</param>
    /// <param name="error">Why the input is not an address, for a one-line message.</param>
    /// <returns>Whether the input parsed.</returns>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ChatEndpoint? endpoint, [NotNullWhen(false)] out string? error)
    {
        endpoint = null;
        text = text?.Trim() ?? "";
        if (text.Length == 0)
        {
            error = "the address is empty; expected HOST[:PORT]";
            return false;
        }

        string host;
        string? portText = null;
        if (text[0] == '[')
        {
            int close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                error = $"'{text}' has '[' without a closing ']'; write IPv6 addresses as [::1]:7777";
                return false;
            }
            host = text[1..close];
            string rest = text[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':')
                {
                    error = $"'{text}' has text after ']' that is not ':PORT'";
                    return false;
                }
                portText = rest[1..];
            }
            if (!IPAddress.TryParse(host, out var literal) || literal.AddressFamily != AddressFamily.InterNetworkV6)
            {
                error = $"'{host}' inside brackets is not an IPv6 address";
                return false;
            }
        }
        else
        {
            int first = text.IndexOf(':', StringComparison.Ordinal);
            int last = text.LastIndexOf(':');
            if (first >= 0 && first != last)
            {
                // Two or more colons without brackets: a bare IPv6 address, which cannot carry a port.
                if (!IPAddress.TryParse(text, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
                {
                    error = $"'{text}' is not a valid address; write IPv6 with a port as [::1]:7777";
                    return false;
                }
                host = text;
            }
            else if (first >= 0)
            {
                host = text[..first];
                portText = text[(first + 1)..];
            }
            else
            {
                host = text;
            }
        }

        if (host.Length == 0)
        {
            error = $"'{text}' has no host; expected HOST[:PORT]";
            return false;
        }
        if (host.Any(char.IsWhiteSpace) || host.Contains('/', StringComparison.Ordinal))
        {
            error = $"'{host}' is not a host name or IP address";
            return false;
        }

        int port = DefaultPort;
        if (portText is not null
            && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            error = $"'{portText}' is not a port; expected a number from 1 to 65535";
            return false;
        }

        endpoint = new ChatEndpoint(host, port);
        error = null;
        return true;
    }

    /// <summary>The address as a user would type it back: IPv6 literals in brackets.</summary>
    public override string ToString() =>
        Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
