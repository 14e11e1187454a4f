using System.Collections.Concurrent;
using Org.BouncyCastle.Tls;
using TermChat.Protocol.Security;
using TermChat.Server.Security;

namespace TermChat.Server.Tests.Udp;

/// <summary>
/// A client and a server channel wired to each other after a real BouncyCastle handshake, with every datagram each
/// side sent, in order.
/// </summary>
internal sealed record DtlsPair(
    DtlsChannel Client, DtlsTransport ClientDtls, DtlsChannel Server, DtlsTransport ServerDtls,
    ConcurrentQueue<byte[]> FromClient, ConcurrentQueue<byte[]> FromServer)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    public static async Task<DtlsPair> HandshakeAsync()
    {
        using var serverKey = KeyFile.CreateEphemeral();
        using var clientKey = KeyFile.CreateEphemeral();
        var fromClient = new ConcurrentQueue<byte[]>();
        var fromServer = new ConcurrentQueue<byte[]>();
        DtlsChannel server = null!;
        var client = new DtlsChannel(datagram =>
        {
            fromClient.Enqueue(datagram.ToArray());
            server.Offer(datagram);
        }, firstSequence: 0);
        server = new DtlsChannel(datagram =>
        {
            fromServer.Enqueue(datagram.ToArray());
            client.Offer(datagram);
        });
        var clientPeer = new DtlsClientPeer(DtlsCredentials.NewCrypto(), new DtlsCredentials(clientKey), _ => true, Wait);
        var serverPeer = new DtlsServerPeer(new DtlsCredentials(serverKey), DtlsCredentials.NewCrypto(), Wait);
        var accepting = Task.Factory.StartNew(() => new DtlsServerProtocol().Accept(serverPeer, server),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var connecting = Task.Factory.StartNew(() => new DtlsClientProtocol().Connect(clientPeer, client),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var serverDtls = await accepting.WaitAsync(Wait);
        var clientDtls = await connecting.WaitAsync(Wait);
        client.NonBlocking = true;
        server.NonBlocking = true;
        return new DtlsPair(client, clientDtls, server, serverDtls, fromClient, fromServer);
    }
}
