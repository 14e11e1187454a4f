using System.Diagnostics.CodeAnalysis;

namespace TermChat.Client.Transports;

/// <summary>
/// Creates transports by name ("tcp", "udp"), so the session can reconnect over either and
/// <c>/transport</c> can switch. The UDP transport registers itself here.
/// </summary>
public sealed class TransportRegistry
{
    private readonly Dictionary<string, Func<IChatTransport>> _factories = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A registry with the built-in transports (TCP, and UDP once it is available).</summary>
    /// <param name="tcp">The TCP settings (TLS, pins, identity; UDP's DTLS follows them); the defaults when null.</param>
    public static TransportRegistry CreateDefault(TcpTransportOptions? tcp = null)
    {
        var registry = new TransportRegistry();
        var tcpOptions = tcp ?? new TcpTransportOptions();
        registry.Register("tcp", () => new TcpTransport(tcpOptions));
        registry.Register("udp", () => new UdpTransport(UdpTransportOptions.SecuredLike(tcpOptions)));
        return registry;
    }

    /// <summary>The registered names, lowercase.</summary>
    public IReadOnlyCollection<string> Names => _factories.Keys;

    /// <summary>Adds or replaces the factory for <paramref name="name"/>.</summary>
    public void Register(string name, Func<IChatTransport> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        _factories[name.ToLowerInvariant()] = factory;
    }

    /// <summary>Whether a transport of that name exists.</summary>
    public bool Contains(string name) => _factories.ContainsKey(name);

    /// <summary>Creates a fresh transport.</summary>
    /// <returns>False if no transport has that name.</returns>
    public bool TryCreate(string name, [NotNullWhen(true)] out IChatTransport? transport)
    {
        transport = _factories.TryGetValue(name, out var factory) ? factory() : null;
        return transport is not null;
    }
}
