using System.Net;
using System.Net.Sockets;
using Scouter.Server.Alerts;

namespace Scouter.Server;

/// <summary>
/// One reading of an address entry in the settings that list addresses and networks
/// (<c>SCOUTER_ALERT_ALLOWED_HOSTS</c>, <c>SCOUTER_TRUSTED_PROXIES</c>).
/// </summary>
internal static class AddressSettings
{
    /// <summary>
    /// Reads <paramref name="entry"/> as an IP address (its own /32 or /128 network; IPv4-mapped IPv6 as IPv4) or a
    /// CIDR network. Returns false for anything else (e.g. a host name). A network whose base address has bits past
    /// the prefix (<c>10.0.0.1/8</c>) is refused rather than guessed at: it throws naming <paramref name="setting"/>.
    /// </summary>
    public static bool TryParseNetwork(string entry, string setting, out IPNetwork network)
    {
        if (IPAddress.TryParse(entry, out var address))
        {
            var normalized = BlockedAddresses.Normalize(address);
            network = new IPNetwork(normalized, normalized.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }
        if (entry.Split('/') is not [var baseText, _])
        {
            network = default;
            return false;
        }
        network = IPNetwork.TryParse(entry, out var parsed) && IPAddress.TryParse(baseText, out var baseAddress) && baseAddress.Equals(parsed.BaseAddress)
            ? parsed
            : throw new InvalidOperationException(
                $"Setting {setting} entry '{entry}' is not a CIDR network (an address whose bits past the prefix are zero, e.g. 10.0.0.0/8 or fd00::/8).");
        return true;
    }

    /// <summary>The comma-separated entries of a setting.</summary>
    public static string[] Entries(string? setting) => (setting ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
