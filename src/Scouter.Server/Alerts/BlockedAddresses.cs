using System.Net;

namespace Scouter.Server.Alerts;

/// <summary>
/// Address ranges an alert destination may not reach unless the operator allows them
/// (<see cref="ServerOptions.AlertAllowedHosts"/>): everything that is not a public unicast
/// address, so that a profile's webhook cannot reach the server itself, its network or a cloud
/// metadata service.
/// </summary>
internal static class BlockedAddresses
{
    private static readonly IPNetwork[] Ranges =
    [
        IPNetwork.Parse("0.0.0.0/8"),          // "this network", incl. the unspecified 0.0.0.0
        IPNetwork.Parse("10.0.0.0/8"),         // private (RFC 1918)
        IPNetwork.Parse("100.64.0.0/10"),      // carrier-grade NAT
        IPNetwork.Parse("127.0.0.0/8"),        // loopback
        IPNetwork.Parse("169.254.0.0/16"),     // link-local, incl. the metadata service 169.254.169.254
        IPNetwork.Parse("172.16.0.0/12"),      // private (RFC 1918)
        IPNetwork.Parse("192.0.0.0/24"),       // IETF protocol assignments (e.g. NAT64 discovery)
        IPNetwork.Parse("192.168.0.0/16"),     // private (RFC 1918)
        IPNetwork.Parse("198.18.0.0/15"),      // benchmarking networks
        IPNetwork.Parse("224.0.0.0/4"),        // multicast
        IPNetwork.Parse("240.0.0.0/4"),        // reserved, incl. the broadcast 255.255.255.255
        IPNetwork.Parse("::/96"),              // unspecified ::, loopback ::1 and IPv4-compatible
        IPNetwork.Parse("64:ff9b:1::/48"),     // local-use NAT64
        IPNetwork.Parse("100::/64"),           // discard-only
        IPNetwork.Parse("fc00::/7"),           // unique-local, incl. the AWS metadata service fd00:ec2::254
        IPNetwork.Parse("fe80::/10"),          // link-local
        IPNetwork.Parse("fec0::/10"),          // site-local (deprecated)
        IPNetwork.Parse("ff00::/8"),           // multicast
    ];

    // The well-known NAT64 prefix carries an IPv4 address in its last 32 bits.
    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");

    /// <summary>Whether <paramref name="address"/> is in a refused range (IPv4-mapped and NAT64 IPv6 judged by their IPv4 address).</summary>
    public static bool Contains(IPAddress address)
    {
        var normalized = Normalize(address);
        foreach (var range in Ranges)
        {
            if (range.Contains(normalized)) return true;
        }
        return false;
    }

    /// <summary>The IPv4 address an IPv4-mapped or NAT64 IPv6 address stands for; other addresses as they are.</summary>
    public static IPAddress Normalize(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4();
        return Nat64.Contains(address) ? new IPAddress(address.GetAddressBytes().AsSpan(12, 4)) : address;
    }
}
