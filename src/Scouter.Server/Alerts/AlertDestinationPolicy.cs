using System.Net;
using System.Net.Sockets;

namespace Scouter.Server.Alerts;

/// <summary>
/// Which addresses alert deliveries (webhooks, Slack, OpsGenie) may connect to. A destination is
/// resolved when its connection is opened and refused when any of its addresses is in
/// <see cref="BlockedAddresses"/>, unless the operator allows its host name, its address or a
/// network holding it (<see cref="ServerOptions.AlertAllowedHosts"/>). The socket connects to the
/// very addresses that were checked, so a name that resolves elsewhere a moment later (DNS
/// rebinding) cannot slip past.
/// </summary>
internal sealed class AlertDestinationPolicy
{
    public const string AllowedHostsSetting = "SCOUTER_ALERT_ALLOWED_HOSTS";

    private readonly HashSet<string> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<IPNetwork> _networks = [];

    /// <param name="allowedHosts">Comma-separated host names, IP addresses and CIDR networks; invalid entries throw naming the setting.</param>
    public AlertDestinationPolicy(string? allowedHosts)
    {
        foreach (var entry in AddressSettings.Entries(allowedHosts))
        {
            if (AddressSettings.TryParseNetwork(entry, AllowedHostsSetting, out var network))
            {
                _networks.Add(network);
            }
            else
            {
                _hosts.Add(Uri.CheckHostName(entry) == UriHostNameType.Dns
                    ? entry.TrimEnd('.')
                    : throw new InvalidOperationException($"Setting {AllowedHostsSetting} entry '{entry}' must be a host name, an IP address or a CIDR network."));
            }
        }
    }

    /// <summary>Checks the alert URL settings and builds the policy of <paramref name="options"/>; invalid settings throw naming the setting.</summary>
    public static AlertDestinationPolicy FromOptions(ServerOptions options)
    {
        RequireHttpUrl(options.SlackApiUrl, "SLACK_API_URL");
        RequireHttpUrl(options.OpsGenieApiUrl, "OPSGENIE_API_URL");
        return new AlertDestinationPolicy(options.AlertAllowedHosts);
    }

    /// <summary>Whether the operator allowed <paramref name="host"/> by name (whatever it resolves to).</summary>
    public bool IsHostAllowed(string host) => _hosts.Contains(host.TrimEnd('.'));

    /// <summary>Whether a connection to <paramref name="address"/> is allowed: public, or in an allowed address or network.</summary>
    public bool IsAllowed(IPAddress address)
    {
        if (!BlockedAddresses.Contains(address)) return true;
        var normalized = BlockedAddresses.Normalize(address);
        return _networks.Exists(n => n.Contains(normalized));
    }

    /// <summary>
    /// The <see cref="SocketsHttpHandler.ConnectCallback"/> of the alert client: resolves the host,
    /// throws <see cref="AlertDestinationRefusedException"/> when any address is refused, otherwise
    /// connects to those addresses.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        IPAddress[] addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        if (!IsHostAllowed(host) && (addresses.Length == 0 || !Array.TrueForAll(addresses, IsAllowed))) throw new AlertDestinationRefusedException();
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static void RequireHttpUrl(string value, string setting)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new InvalidOperationException($"Setting {setting}='{value}' must be an absolute http or https URL.");
    }
}

/// <summary>An alert destination that resolved to an address the policy does not allow; delivery to it is not retried.</summary>
internal sealed class AlertDestinationRefusedException : Exception
{
    public AlertDestinationRefusedException() : base("address not allowed")
    {
    }

    public AlertDestinationRefusedException(string message) : base(message)
    {
    }

    public AlertDestinationRefusedException(string message, Exception inner) : base(message, inner)
    {
    }
}
