using System.Buffers.Binary;
using Org.BouncyCastle.Tls;

namespace TermChat.Server.Tests.Udp;

/// <summary>
/// Each handshake flight travels as one datagram (PROTOCOL-DATAGRAMS 12.1): on a lossy link a flight of five datagrams
/// got through whole far too rarely for a connect to finish in time.
/// </summary>
public sealed class DtlsFlightTests
{
    /// <summary>Each record in a datagram: its content type, epoch and (for epoch-0 handshake records) message type.</summary>
    private static List<string> Records(byte[] datagram)
    {
        var records = new List<string>();
        for (int at = 0; at + 13 <= datagram.Length;)
        {
            short type = datagram[at];
            int epoch = BinaryPrimitives.ReadUInt16BigEndian(datagram.AsSpan(at + 3));
            int length = BinaryPrimitives.ReadUInt16BigEndian(datagram.AsSpan(at + 11));
            records.Add(type switch
            {
                ContentType.handshake when epoch == 0 => $"handshake {datagram[at + 13]}",
                ContentType.handshake => "encrypted handshake",
                ContentType.change_cipher_spec => "change_cipher_spec",
                _ => $"type {type}",
            });
            at += 13 + length;
        }
        return records;
    }

    [Fact]
    public async Task Every_handshake_flight_goes_out_as_one_datagram()
    {
        var pair = await DtlsPair.HandshakeAsync();

        var client = pair.FromClient.Select(Records).ToList();
        var server = pair.FromServer.Select(Records).ToList();

        Assert.Equal(
            [
                [$"handshake {HandshakeType.client_hello}"],
                [
                    $"handshake {HandshakeType.certificate}", $"handshake {HandshakeType.client_key_exchange}",
                    $"handshake {HandshakeType.certificate_verify}", "change_cipher_spec", "encrypted handshake",
                ],
            ],
            client);
        Assert.Equal(
            [
                [
                    $"handshake {HandshakeType.server_hello}", $"handshake {HandshakeType.certificate}",
                    $"handshake {HandshakeType.server_key_exchange}", $"handshake {HandshakeType.certificate_request}",
                    $"handshake {HandshakeType.server_hello_done}",
                ],
                ["change_cipher_spec", "encrypted handshake"],
            ],
            server);
    }

    [Fact]
    public async Task Application_data_after_the_handshake_goes_out_at_once_one_record_per_datagram()
    {
        var pair = await DtlsPair.HandshakeAsync();
        int before = pair.FromClient.Count;

        pair.ClientDtls.Send("one"u8.ToArray());
        pair.ClientDtls.Send("two"u8.ToArray());

        Assert.Equal([["type 23"], ["type 23"]], pair.FromClient.Skip(before).Select(Records).ToList());
    }
}
