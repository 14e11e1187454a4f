using System.CommandLine;
using TermChat.Client.Transports;
using TermChat.Cli.Usage;

namespace TermChat.Cli.Commands;

/// <summary>
/// The client's link options (<c>--tls</c>, <c>--plaintext</c>, <c>--trust-new-key</c>, <c>--connect-timeout</c>) and the
/// TCP settings they make (UDP follows them).
/// </summary>
internal sealed class LinkOptions
{
    public Option<bool> Tls { get; } = new("--tls")
    {
        Description = "Encrypt loopback links too (by default every link to another address is encrypted: TLS over TCP, DTLS over UDP).",
    };

    public Option<bool> Plaintext { get; } = new("--plaintext")
    {
        Description = "Connect without TLS or DTLS (only a server started with --allow-plaintext accepts that from another machine).",
    };

    public Option<bool> TrustNewKey { get; } = new("--trust-new-key")
    {
        Description = "The server's key changed and you know why: trust the new key and pin it in $XDG_CONFIG_HOME/termchat/known_servers.",
    };

    public Option<int> ConnectTimeout { get; } = new Option<int>("--connect-timeout")
    {
        HelpName = "SECONDS",
        Description = "Seconds a connect waits for the server before it gives up (over UDP with DTLS, the DTLS handshake and then the session's own handshake each get this long).",
        DefaultValueFactory = _ => (int)new TcpTransportOptions().ConnectTimeout.TotalSeconds,
    }.InRange(1, 600, "from 1 to 600 seconds");

    /// <summary>The options, in the order the help lists them.</summary>
    public IEnumerable<Option> All => [Tls, Plaintext, TrustNewKey, ConnectTimeout];

    /// <summary>The TCP settings the options ask for.</summary>
    /// <exception cref="UsageException">--tls and --plaintext together.</exception>
    public TcpTransportOptions Read(ParseResult parseResult)
    {
        bool tls = parseResult.GetValue(Tls), plaintext = parseResult.GetValue(Plaintext);
        if (tls && plaintext) throw new UsageException("--tls and --plaintext contradict each other; choose one");
        return new TcpTransportOptions
        {
            Tls = tls ? TlsMode.Require : plaintext ? TlsMode.Off : TlsMode.Auto,
            TrustNewKey = parseResult.GetValue(TrustNewKey),
            ConnectTimeout = TimeSpan.FromSeconds(parseResult.GetValue(ConnectTimeout)),
        };
    }
}
