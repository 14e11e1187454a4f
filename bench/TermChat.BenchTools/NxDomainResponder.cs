using System.Net;
using System.Net.Sockets;

namespace TermChat.BenchTools;

/// <summary>
/// A loopback DNS responder that answers every query at once with NXDOMAIN. ircd-hybrid resolves each
/// client's address with its own resolver and no option turns that off; pointed here (from a private
/// mount namespace, see bench/run-peers.sh) it gets an immediate answer instead of querying the network
/// or waiting out a timeout for every connection.
/// </summary>
public sealed class NxDomainResponder : IDisposable
{
    private readonly Socket _socket;

    /// <summary>Binds <paramref name="endpoint"/> (UDP).</summary>
    public NxDomainResponder(IPEndPoint endpoint)
    {
        _socket = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(endpoint);
    }

    /// <summary>Answers queries until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[1500];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        try
        {
            while (true)
            {
                var received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, cancellationToken).ConfigureAwait(false);
                int length = received.ReceivedBytes;
                if (!TryAnswer(buffer.AsSpan(0, length))) continue;
                await _socket.SendToAsync(buffer.AsMemory(0, length), SocketFlags.None, received.RemoteEndPoint, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Turns a query into its NXDOMAIN answer in place (same id and question, no records).</summary>
    public static bool TryAnswer(Span<byte> message)
    {
        if (message.Length < 12 || (message[2] & 0x80) != 0) return false; // too short, or already a response
        message[2] = (byte)(0x80 | (message[2] & 0x79)); // QR=1, keep opcode and RD, clear AA and TC
        message[3] = 0x80 | 0x03;                         // RA=1, RCODE=3 (NXDOMAIN)
        message[6] = message[7] = 0;                      // no answers
        message[8] = message[9] = 0;                      // no authority
        message[10] = message[11] = 0;                    // no additional records (the question stays)
        return true;
    }

    /// <summary>Closes the socket.</summary>
    public void Dispose() => _socket.Dispose();
}
