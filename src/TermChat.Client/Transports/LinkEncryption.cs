using System.Net;
using TermChat.Protocol.Security;

namespace TermChat.Client.Transports;

/// <summary>
/// The client's one decision whether a link is encrypted, taken the same way for TCP (TLS) and UDP (DTLS): by default
/// every link that is not loopback is (docs/SECURITY.md, "Policy"). A link that is to be encrypted never falls back to
/// plaintext; it fails instead.
/// </summary>
public static class LinkEncryption
{
    /// <summary>Whether a link to <paramref name="remote"/> is encrypted under <paramref name="mode"/>.</summary>
    public static bool IsOn(TlsMode mode, IPEndPoint remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        return mode switch
        {
            TlsMode.Require => true,
            TlsMode.Off => false,
            _ => !Loopback.Contains(remote.Address),
        };
    }
}
