using System.Net;
using TermChat.Client.Discovery;
using TermChat.Protocol.Discovery;

namespace TermChat.Client.Tests.Discovery;

public sealed class DiscoveredServerTests
{
    private static DiscoveredServer Speaking(ushort protocol) => new(Guid.NewGuid(), "lab", "1.0.0", protocol, "async", 1, 7777, 0,
        Array.Empty<AdvertisedAddress>(), new[] { IPAddress.Loopback }, TimeSpan.FromMilliseconds(1));

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(3, true)]
    [InlineData(4, false)]
    public void A_server_is_compatible_when_its_protocol_version_is_one_this_client_speaks(ushort protocol, bool compatible)
    {
        Assert.Equal(compatible, Speaking(protocol).IsCompatible);
    }
}
