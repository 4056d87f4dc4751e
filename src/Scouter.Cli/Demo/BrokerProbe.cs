using System.Globalization;
using System.Net.Sockets;

namespace Scouter.Cli.Demo;

/// <summary>
/// Checks that something accepts TCP connections at a broker's address before the demo starts its
/// server and queue, whose clients would otherwise keep reconnecting for minutes. A reachable port is
/// not a working broker, but nothing listening is the usual mistake (local services not started).
/// </summary>
internal static class BrokerProbe
{
    /// <summary>How long one connection attempt may take.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The host and port endpoints of a broker address (<paramref name="kind"/>: kafka, rabbitmq or redis).</summary>
    /// <exception cref="ArgumentException">The address names no host.</exception>
    public static IReadOnlyList<(string Host, int Port)> Endpoints(string kind, string address) => kind switch
    {
        "rabbitmq" => [FromUri(address, defaultPort: address.StartsWith("amqps:", StringComparison.OrdinalIgnoreCase) ? 5671 : 5672)],
        "redis" when address.Contains("://", StringComparison.Ordinal) => [FromUri(address, 6379)],
        // A StackExchange.Redis configuration string: endpoints, then key=value options.
        "redis" => [.. address.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(p => !p.Contains('=', StringComparison.Ordinal))
            .Select(p => HostPort(p, 6379))],
        "kafka" => [.. address.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => HostPort(p, 9092))],
        _ => throw new ArgumentException($"No endpoints for transport '{kind}'.", nameof(kind)),
    };

    /// <summary>
    /// Null when one of <paramref name="endpoints"/> accepts a connection within <see cref="ConnectTimeout"/>;
    /// else why the first one could not be reached.
    /// </summary>
    public static async Task<string?> FirstProblemAsync(IReadOnlyList<(string Host, int Port)> endpoints, CancellationToken cancellationToken)
    {
        if (endpoints.Count == 0) return "no host:port";
        string? first = null;
        foreach (var (host, port) in endpoints)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ConnectTimeout);
            try
            {
                using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(host, port, timeout.Token);
                return null;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                first ??= string.Create(CultureInfo.InvariantCulture, $"no answer within {ConnectTimeout.TotalSeconds:0} s");
            }
            catch (SocketException ex)
            {
                first ??= ex.Message;
            }
        }
        return first;
    }

    private static (string Host, int Port) FromUri(string address, int defaultPort)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            throw new ArgumentException("The broker address is not a URI with a host.", nameof(address));
        return (uri.IdnHost.Trim('[', ']'), uri.IsDefaultPort || uri.Port < 0 ? defaultPort : uri.Port);
    }

    private static (string Host, int Port) HostPort(string text, int defaultPort)
    {
        // [v6]:port, host:port, or a host alone.
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close > 0) return (text[1..close], close + 2 < text.Length && text[close + 1] == ':' ? Port(text[(close + 2)..], defaultPort) : defaultPort);
        }
        var colon = text.LastIndexOf(':');
        return colon > 0 && text.IndexOf(':', StringComparison.Ordinal) == colon ? (text[..colon], Port(text[(colon + 1)..], defaultPort)) : (text, defaultPort);
    }

    private static int Port(string text, int defaultPort) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535 ? port : defaultPort;
}
