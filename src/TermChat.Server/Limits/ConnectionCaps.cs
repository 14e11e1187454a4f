using System.Net;
using Microsoft.Extensions.Logging;
using TermChat.Protocol;
using TermChat.Server.Wire;

namespace TermChat.Server.Limits;

/// <summary>
/// The server's admission caps, shared by every front end (TermChat wire, IRC, line mode): at most
/// <see cref="ServerOptions.MaxClients"/> connections in all and <see cref="ServerOptions.MaxPerIp"/> from one address,
/// whichever port they came in on, so a second protocol is not a way around the limits.
/// </summary>
/// <remarks>Its own lock is a leaf: front ends call it under theirs, and it calls nothing.</remarks>
internal sealed class ConnectionCaps(ServerOptions options)
{
    private readonly object _gate = new();
    private readonly Dictionary<IPAddress, int> _perIp = [];
    private int _count;

    /// <summary>Connections admitted and not yet released.</summary>
    public int Count
    {
        get { lock (_gate) return _count; }
    }

    /// <summary>Admits a connection from <paramref name="address"/> (null: not an IP peer), or says why not.</summary>
    /// <param name="address">The peer's address, IPv4-mapped IPv6 folded to IPv4 (see <see cref="AddressOf"/>).</param>
    /// <param name="refusal">Why the connection is refused, one sentence for the peer.</param>
    /// <param name="full">Whether the refusal is the server-wide cap (otherwise the per-address one).</param>
    private bool TryAdmit(IPAddress? address, out string refusal, out bool full)
    {
        lock (_gate)
        {
            refusal = "";
            full = false;
            if (_count >= options.MaxClients)
            {
                full = true;
                refusal = $"The server is full ({options.MaxClients} connections); try again later.";
                return false;
            }
            if (address is not null)
            {
                _perIp.TryGetValue(address, out int count);
                if (count >= options.MaxPerIp)
                {
                    refusal = $"Too many connections from {address} (limit {options.MaxPerIp}).";
                    return false;
                }
                _perIp[address] = count + 1;
            }
            _count++;
            return true;
        }
    }

    /// <summary>
    /// Admits <paramref name="link"/>, or refuses it: logged, and closed with <see cref="ErrorCode.ServerFull"/> or
    /// <see cref="ErrorCode.TooManyConnections"/> and a sentence for the peer, in whatever its front end speaks.
    /// </summary>
    /// <param name="link">The new connection.</param>
    /// <param name="logger">Where refusals are logged.</param>
    /// <param name="address">The address the connection counts against (to <see cref="Release"/> at its end).</param>
    public bool TryAdmit(IClientLink link, ILogger logger, out IPAddress? address)
    {
        address = AddressOf(link.Remote);
        if (TryAdmit(address, out string refusal, out bool full)) return true;
        Log.Refused(logger, link.Remote, full ? "server full" : "too many connections from the address");
        link.Close(full ? ErrorCode.ServerFull : ErrorCode.TooManyConnections, refusal);
        return false;
    }

    /// <summary>Releases what a successful TryAdmit took for a connection that has ended.</summary>
    public void Release(IPAddress? address)
    {
        lock (_gate)
        {
            _count--;
            if (address is not null && _perIp.TryGetValue(address, out int count))
            {
                if (count <= 1) _perIp.Remove(address);
                else _perIp[address] = count - 1;
            }
        }
    }

    /// <summary>The IP a connection counts against, with IPv4-mapped IPv6 folded to IPv4.</summary>
    public static IPAddress? AddressOf(EndPoint remote) => remote is IPEndPoint ip
        ? (ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address)
        : null;
}
